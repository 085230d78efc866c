"""Fixtures of the seed tests.

``stores`` starts only what the seed writes to (PostgreSQL, MariaDB, MongoDB and Redis) on the
suite's settings, so the loader tests do not wait for every service; the test that calls the
services uses the suite's full ``stack`` (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from seed_testdata import HALF, SMALL

from seed.dataset import Dataset, generate
from services.common.settings import Settings, get_settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "stores" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)


@pytest.fixture(scope="session")
def small() -> Dataset:
    """1,000 clients, 1,000 accounts, 1,000 transactions."""
    return generate(SMALL)


@pytest.fixture(scope="session")
def half() -> Dataset:
    """Scale 0.5 (10,000 of each): enough rows to check the distributions."""
    return generate(HALF)


@pytest.fixture(scope="session")
def stores() -> Iterator[Settings]:
    """The seed's stores running, with the services' migrations applied; stopped at the end
    unless they were running before."""
    from infra.local.process import StackError
    from infra.local.stack import Stack
    from seed.command import STORES, run_migrations

    settings = get_settings()
    local = Stack(settings)
    already = {c.name for c in local.components if local.pid_file(c).live_pid()}
    try:
        error = None
        try:
            local.up(STORES)
            run_migrations(settings)
        except StackError as exc:
            error = str(exc)
        if error:
            pytest.fail(f"cannot start the seed's stores: {error}", pytrace=False)
        yield settings
    finally:
        local.down([name for name in STORES if name not in already])
