"""Fixtures of the clientes tests: the part of the suite's stack they need — real
PostgreSQL, the real clientes service started by ``cloudbank``'s stack manager with its
migrations, and the real cuentas (MariaDB, two instances behind HAProxy).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from infra.local.process import StackError
from infra.local.stack import Stack
from services.common.auth import Role, issue_token
from services.common.settings import Settings, get_settings

# What these tests need of the suite's stack (not perfil360, transacciones or the SPA).
COMPONENTS = ("postgres", "mariadb", "cuentas-1", "cuentas-2", "haproxy", "clientes")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "settings" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    """The suite's stack (tests/conftest.py sets its var dir and ports), with the components
    above running; stops at the end those it started."""
    settings = get_settings()
    local = Stack(settings)
    names = [c.name for c in local.components if c.name in COMPONENTS]
    already = {c.name for c in local.select(names) if local.pid_file(c).live_pid()}
    try:
        local.up(names)
    except StackError as exc:
        pytest.fail(f"cannot start the clientes test stack: {exc}", pytrace=False)
    yield settings
    started = [n for n in names if n not in already]
    if started:  # an empty selection would mean every component
        local.down(started)


@pytest.fixture(scope="session")
def base_url(settings: Settings) -> str:
    return settings.service_url(settings.clientes_port)


def bearer(role: Role, settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(f'test-{role.value}', role, settings)}"}


@pytest.fixture(scope="session")
def admin_headers(settings: Settings) -> dict[str, str]:
    return bearer(Role.ADMIN, settings)


@pytest.fixture(scope="session")
def api(base_url: str, admin_headers: dict[str, str]) -> Iterator[httpx.Client]:
    """An admin client of the running service."""
    with httpx.Client(base_url=base_url, headers=admin_headers, timeout=15) as client:
        yield client


@pytest.fixture(scope="session")
def anon(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=15) as client:
        yield client


@pytest.fixture(scope="session")
def db(settings: Settings) -> Iterator[psycopg.Connection]:
    """A direct connection, to prepare data and to check what the service really wrote."""
    with psycopg.connect(settings.postgres_dsn, autocommit=True, options="-c timezone=UTC") as conn:
        yield conn


@pytest.fixture
def clean(db: psycopg.Connection) -> None:
    # ids keep growing (no RESTART IDENTITY): cuentas still holds accounts of earlier clients
    db.execute("TRUNCATE clientes, documentos_identidad")


# --- the real cuentas (two instances behind HAProxy, in the suite's stack) -----------------
@pytest.fixture(scope="session")
def cuentas_api(settings: Settings, admin_headers: dict[str, str]) -> Iterator[httpx.Client]:
    """An admin client of the real cuentas service, through HAProxy."""
    base = settings.service_url(settings.cuentas_port)
    with httpx.Client(base_url=base, headers=admin_headers, timeout=15) as client:
        yield client


@pytest.fixture
def open_cuenta(cuentas_api: httpx.Client):
    """``open_cuenta(cliente_id, estado="activa")``: a zero-balance account in that estado."""

    def open_(cliente_id: int, estado: str = "activa") -> dict:
        response = cuentas_api.post(
            "/cuentas",
            json={"cliente_id": cliente_id, "tipo_cuenta_id": 1, "moneda": "PEN"},
            headers={"Idempotency-Key": f"test-{uuid.uuid4()}"},
        )
        assert response.status_code == 201, response.text
        cuenta = response.json()
        if estado != "activa":
            changed = cuentas_api.patch(
                f"/cuentas/{cuenta['cuenta_id']}/estado", json={"estado": estado}
            )
            assert changed.status_code == 200, changed.text
            cuenta = changed.json()
        return cuenta

    return open_


# --- data ---------------------------------------------------------------------------------
_counter = iter(range(10_000_000, 99_999_999))


def cliente_payload(**overrides: object) -> dict:
    """A valid, unique POST /clientes body; ``documento`` overrides merge into the document."""
    n = next(_counter)
    documento = {
        "tipo_documento": "DNI",
        "numero_documento": f"{n:08d}",
        "fecha_emision": "2020-03-01",
        "fecha_vencimiento": "2030-03-01",
    }
    documento.update(overrides.pop("documento", {}))  # type: ignore[arg-type]
    body = {
        "nombre": "Rosa",
        "apellido": "Quispe Mamani",
        "email": f"rosa.quispe{n}@example.com",
        "telefono": "+51 987 654 321",
        "estado": "activo",
        "documento": documento,
    }
    body.update(overrides)
    return body


@pytest.fixture
def make_cliente(api: httpx.Client, clean):
    """Create a client through the API and return its body (after a clean database)."""

    def make(**overrides: object) -> dict:
        response = api.post("/clientes", json=cliente_payload(**overrides))
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def payload():
    """The factory of valid, unique POST /clientes bodies."""
    return cliente_payload


@pytest.fixture(scope="session")
def headers_for(settings: Settings):
    """``headers_for(Role.X)``: an Authorization header with a token of that role."""
    return lambda role: bearer(role, settings)
