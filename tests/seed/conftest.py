"""Fixtures of the seed tests.

``stores`` starts only what the seed writes to (PostgreSQL, MariaDB, MongoDB and Redis) on the
suite's settings, so the loader tests do not wait for every service; ``services`` adds the
services that serve the seeded data. Both stop, at the end, only what they started.
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


#: what serves the seeded data (besides the stores)
SERVICES = ("cuentas-1", "cuentas-2", "haproxy", "clientes", "transacciones", "perfil360")


def _running(names: tuple[str, ...], prepare=None) -> Iterator[Settings]:
    from infra.local.process import StackError
    from infra.local.stack import Stack

    settings = get_settings()
    local = Stack(settings)
    already = {c.name for c in local.components if local.pid_file(c).live_pid()}
    try:
        error = None
        try:
            local.up(names)
            if prepare:
                prepare(settings)
        except StackError as exc:
            error = str(exc)
        if error:
            pytest.fail(f"cannot start {', '.join(names)}: {error}", pytrace=False)
        yield settings
    finally:
        started = [name for name in names if name not in already]
        if started:  # an empty selection would mean every component
            local.down(started)


@pytest.fixture(scope="session")
def stores() -> Iterator[Settings]:
    """The seed's stores running, with the services' migrations applied."""
    from seed.command import STORES, run_migrations

    yield from _running(STORES, prepare=run_migrations)


@pytest.fixture(scope="session")
def services(stores: Settings) -> Iterator[Settings]:
    """clientes, cuentas (both instances behind HAProxy), transacciones and perfil360."""
    yield from _running(SERVICES)
