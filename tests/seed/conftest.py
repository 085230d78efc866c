"""Fixtures of the seed tests.

``stack`` is a stand-in for the suite-wide fixture of tests/conftest.py (same contract: the
suite's databases under var/test, stopped at the end unless they were already running).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("CLOUDBANK_VAR_DIR", str(REPO_ROOT / "var" / "test"))
os.environ.setdefault("CLOUDBANK_PORT_OFFSET", "100")

from seed_testdata import HALF, SMALL  # noqa: E402

from seed.dataset import Dataset, generate  # noqa: E402
from services.common.settings import Settings, get_settings  # noqa: E402


@pytest.fixture(scope="session")
def small() -> Dataset:
    """1,000 clients, 1,000 accounts, 1,000 transactions."""
    return generate(SMALL)


@pytest.fixture(scope="session")
def half() -> Dataset:
    """Scale 0.5 (10,000 of each): enough rows to check the distributions."""
    return generate(HALF)


@pytest.fixture(scope="session")
def stack() -> Iterator[Settings]:
    from infra.local.process import StackError
    from infra.local.stack import Stack
    from seed.command import STORES

    settings = get_settings()
    local = Stack(settings)
    already = {c.name for c in local.components if local.pid_file(c).live_pid()}
    try:
        try:
            local.up(STORES)
        except StackError as exc:
            pytest.fail(f"cannot start the test stack: {exc}", pytrace=False)
        yield settings
    finally:
        local.down([n for n in STORES if n not in already])


@pytest.fixture(scope="session")
def stores(stack: Settings) -> Settings:
    """The three databases with the services' schema in place."""
    import stand_in_schema

    from seed.command import run_migrations

    run_migrations(stack)
    stand_in_schema.ensure(stack)
    return stack
