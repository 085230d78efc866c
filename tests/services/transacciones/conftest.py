"""The transacciones test stack: MariaDB, MongoDB (nx-27017 unless a mongod is configured),
Redis, both cuentas instances behind HAProxy and transacciones, started with infra.local.stack
on the suite's var dir and port offset (CLOUDBANK_VAR_DIR / CLOUDBANK_PORT_OFFSET; see
tests/conftest.py). Components this session started are stopped at the end; ones already
running are left as they were.

Every test opens its own accounts straight in MariaDB (as cuentas opens them: the opening
balance is an APERTURA leg), so tests neither depend on each other nor on earlier runs, and
the auditor in transacciones_support checks the money invariants over exactly those accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from transacciones_support import Ledger, client, mongo_collection

from infra.local.components import AsgiService, all_components
from infra.local.process import wait_until
from infra.local.stack import Stack
from services.common.settings import Settings, get_settings

NEEDED = ["mariadb", "mongo", "redis", "cuentas-1", "cuentas-2", "haproxy", "transacciones"]
# extra transacciones instances (test settings) listen on these base ports (+ the offset)
EXTRA_BASE_PORT = 8104


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def tx_stack(settings: Settings) -> Iterator[Stack]:
    components = [c for c in all_components(settings) if c.name in NEEDED]
    missing = set(NEEDED) - {c.name for c in components}
    assert not missing, f"the stack has no {sorted(missing)}"
    stack = Stack(settings, components)
    already = {c.name for c in components if stack.pid_file(c).live_pid() is not None}
    stack.up()
    haproxy = stack.select(["haproxy"])[0]
    assert wait_until(lambda: set(haproxy.backends().values()) == {"UP"}, timeout=30), (
        "HAProxy never saw both cuentas instances UP"
    )
    yield stack
    ours = [c.name for c in components if c.name not in already]
    if ours:  # (an empty list would mean "all" to Stack.down)
        stack.down(ours)


@pytest.fixture(scope="session")
def ledger(tx_stack: Stack, settings: Settings) -> Ledger:
    return Ledger(settings)


@pytest.fixture(scope="session")
def col(tx_stack: Stack, settings: Settings):
    collection = mongo_collection(settings)
    yield collection
    collection.database.client.close()


@pytest.fixture
def api(tx_stack: Stack, settings: Settings) -> Iterator[httpx.Client]:
    """transacciones as a teller (cajero: transacciones:read and :write)."""
    with client(settings) as http:
        yield http


@pytest.fixture(scope="module")
def instance(tx_stack: Stack, settings: Settings) -> Iterator[Callable[..., str]]:
    """``instance(name, **settings)`` -> the URL of an extra transacciones instance started
    with these settings as CLOUDBANK_* variables (e.g. ``fault_point="after_pending"``,
    ``transacciones_lease_seconds=1``); one worker; stopped when the module is done. Each name
    gets its own port; starting a name again (after its process died) restarts it."""
    started: dict[str, AsgiService] = {}
    ports: dict[str, int] = {}
    extra = Stack(settings, [])

    def start(name: str, **overrides: object) -> str:
        port = ports.setdefault(name, EXTRA_BASE_PORT + 10 * len(ports))
        service = AsgiService(name, settings, app="services.transacciones.main:app", base_port=port)
        for key, value in overrides.items():
            service.env[f"CLOUDBANK_{key.upper()}"] = str(value)
        extra.components = [service]
        extra.down([name])  # a previous process of this name, if any, is replaced
        extra.up([name])
        started[name] = service
        return settings.service_url(port)

    yield start
    if started:
        extra.components = list(started.values())
        extra.down(list(started))
