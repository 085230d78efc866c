"""The cuentas test stack: PostgreSQL and the clientes service (cuentas asks it about
clients), MariaDB, both cuentas instances and HAProxy, started with infra.local.stack on the
test var dir (var/test) and the port offset in CLOUDBANK_PORT_OFFSET (default 100, the test
suite's). Components this session started are stopped at the end; ones already running (the
suite's ``stack``, a developer's ``cloudbank up``) are left as they were.

Tests talk to cuentas through HAProxy, like every client does. Each test opens its own
accounts for clients it creates, so tests don't depend on each other or on data left by
earlier runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pymysql
import pytest
from cuentas_support import Bank, Clientes, bearer, use_clientes

from infra.local.components import HAProxy
from infra.local.process import wait_until
from infra.local.stack import Stack
from services.common.auth import Role
from services.common.settings import REPO_ROOT, Settings, get_settings

CUENTAS_STACK = ["postgres", "mariadb", "clientes", "cuentas-1", "cuentas-2", "haproxy"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the cuentas stack are ``stack`` tests too (``-m "not stack"`` skips them)."""
    for item in items:
        if "cuentas_stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)


def _test_settings() -> Settings:
    # the children (uvicorn, migrations) read the same variables
    os.environ.setdefault("CLOUDBANK_PORT_OFFSET", "100")
    os.environ["CLOUDBANK_VAR_DIR"] = str(REPO_ROOT / "var" / "test")
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return _test_settings()


@pytest.fixture(scope="session")
def cuentas_stack(settings: Settings) -> Iterator[Stack]:
    stack = Stack(settings)
    components = stack.select(CUENTAS_STACK)
    already = {c.name for c in components if stack.pid_file(c).live_pid() is not None}
    stack.up(CUENTAS_STACK)
    haproxy = next(c for c in components if isinstance(c, HAProxy))
    assert wait_until(lambda: set(haproxy.backends().values()) == {"UP"}, timeout=20), (
        "HAProxy never saw both cuentas instances UP"
    )
    with httpx.Client(
        base_url=settings.service_url(settings.clientes_port),
        headers=bearer(Role.ADMIN),
        timeout=30,
    ) as clientes:
        use_clientes(Clientes(clientes))
        yield stack
    started = [c.name for c in components if c.name not in already]
    if started:  # an empty selection would mean every component (a developer's stack too)
        stack.down(started)


@pytest.fixture(scope="session")
def base_url(cuentas_stack: Stack, settings: Settings) -> str:
    return settings.service_url(settings.cuentas_port)


@pytest.fixture(scope="session")
def admin() -> dict[str, str]:
    return bearer(Role.ADMIN)


@pytest.fixture(scope="session")
def service_role() -> dict[str, str]:
    return bearer(Role.SERVICE)


@pytest.fixture(scope="session")
def http(base_url: str, admin: dict[str, str]) -> Iterator[httpx.Client]:
    """Through HAProxy, as admin (cuentas:read and cuentas:write)."""
    with httpx.Client(base_url=base_url, headers=admin, timeout=30) as client:
        yield client


class Sql:
    """A direct database connection that reconnects after a server restart (one test
    restarts MariaDB)."""

    def __init__(self, settings: Settings):
        self.conn = pymysql.connect(
            host=settings.host,
            port=settings.port(settings.mysql_port),
            user=settings.mysql_user,
            password=settings.mysql_password,
            database=settings.mysql_database,
            autocommit=True,
            init_command="SET time_zone = '+00:00'",
        )

    def cursor(self):
        self.conn.ping(reconnect=True)
        return self.conn.cursor()

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(scope="session")
def sql(settings: Settings, cuentas_stack: Stack) -> Iterator[Sql]:
    """Direct database access, to check invariants behind the API's back."""
    conn = Sql(settings)
    yield conn
    conn.close()


@pytest.fixture
def bank(http: httpx.Client, sql, service_role: dict[str, str]) -> Bank:
    return Bank(http, sql, service_role)
