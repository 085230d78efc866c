"""Fixtures of the seed tests (the suite's ``stack`` fixture comes from tests/conftest.py)."""

from __future__ import annotations

import pytest
from seed_testdata import HALF, SMALL

from seed.dataset import Dataset, generate
from services.common.settings import Settings


@pytest.fixture(scope="session")
def small() -> Dataset:
    """1,000 clients, 1,000 accounts, 1,000 transactions."""
    return generate(SMALL)


@pytest.fixture(scope="session")
def half() -> Dataset:
    """Scale 0.5 (10,000 of each): enough rows to check the distributions."""
    return generate(HALF)


@pytest.fixture(scope="session")
def stores(stack: Settings) -> Settings:
    """The three databases with the services' schema in place."""
    import stand_in_schema

    from seed.command import run_migrations

    run_migrations(stack)
    stand_in_schema.ensure(stack)
    return stack
