"""Fixtures of the clientes tests: the suite's stack (real PostgreSQL and the real clientes
service, started by ``cloudbank``'s stack manager with its migrations) and a contract
stand-in for cuentas.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

import httpx
import psycopg
import pytest
from fastapi import FastAPI, Header, Query
from fastapi.responses import JSONResponse

from infra.local.process import port_in_use
from services.common.auth import Role, Scope, decode_token, issue_token
from services.common.errors import ApiError
from services.common.settings import Settings


@pytest.fixture(scope="session")
def settings(stack: Settings) -> Settings:
    """The running test stack's settings (``stack`` comes from tests/conftest.py)."""
    return stack


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
    db.execute("TRUNCATE clientes, documentos_identidad RESTART IDENTITY CASCADE")


# --- cuentas contract stand-in --------------------------------------------------------------
@dataclass
class CuentasStandIn:
    """CONTRACT STAND-IN for the cuentas service, which is being built in parallel.

    It serves only what clientes calls — ``GET /cuentas/cliente/{id}`` returning a Page of
    accounts with ``estado`` — with canned data, and checks the service token like the real one
    must. Replace it with the real cuentas (through HAProxy) once that service is merged.
    """

    accounts: dict[int, list[dict]] = field(default_factory=dict)
    status_code: int = 200
    body: object | None = None  # a malformed body to serve instead of a page
    calls: list[dict] = field(default_factory=list)

    def reset(self) -> None:
        self.accounts.clear()
        self.status_code, self.body = 200, None
        self.calls.clear()

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/health/ready")
        def ready() -> dict:
            return {"status": "ok"}

        @app.get("/cuentas/cliente/{cliente_id}")
        def cuentas_de_cliente(
            cliente_id: int,
            limit: Annotated[int, Query(ge=1, le=200)] = 50,
            offset: Annotated[int, Query(ge=0)] = 0,
            authorization: Annotated[str | None, Header()] = None,
            x_request_id: Annotated[str | None, Header()] = None,
        ):
            self.calls.append(
                {"cliente_id": cliente_id, "limit": limit, "offset": offset, "rid": x_request_id}
            )
            try:
                principal = decode_token((authorization or "").removeprefix("Bearer "))
            except ApiError:
                return JSONResponse({"detail": "bad token", "code": "invalid_token"}, 401)
            if Scope.CUENTAS_READ.value not in principal.scopes:
                return JSONResponse({"detail": "missing scope", "code": "forbidden"}, 403)
            if self.status_code != 200 or self.body is not None:
                return JSONResponse(self.body or {"detail": "x", "code": "x"}, self.status_code)
            items = self.accounts.get(cliente_id, [])
            page = items[offset : offset + limit]
            more = offset + limit < len(items)
            return {
                "items": page,
                "total": len(items),
                "limit": limit,
                "offset": offset,
                "next_offset": offset + limit if more else None,
            }

        return app


class _Server:
    def __init__(self, app: FastAPI, host: str, port: int):
        import uvicorn

        self.config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        import uvicorn

        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the cuentas stand-in did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(10)
            self.server = None


class StandInCuentas:
    """The stand-in served where clientes will look for cuentas: on the public cuentas port
    when nothing holds it, or behind the stack's HAProxy on both instance ports."""

    def __init__(self, settings: Settings, standin: CuentasStandIn):
        self.settings = settings
        host = settings.host
        self.public = settings.port(settings.cuentas_port)
        instances = [settings.port(p) for p in settings.cuentas_instance_ports]
        if not port_in_use(host, self.public):
            self.behind_haproxy, ports = False, [self.public]
        elif not any(port_in_use(host, p) for p in instances):
            self.behind_haproxy, ports = True, instances
        else:
            pytest.skip(
                "a real cuentas is running in the test stack: these tests use the contract "
                "stand-in and should now be switched to the real service"
            )
        self.servers = [_Server(standin.app(), host, port) for port in ports]

    @property
    def running(self) -> bool:
        return all(server.server is not None for server in self.servers)

    def start(self) -> None:
        for server in self.servers:
            server.start()
        if self.behind_haproxy:  # until HAProxy's health checks put the instances back
            url = f"http://{self.settings.host}:{self.public}/health/ready"
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                try:
                    if httpx.get(url, timeout=1).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            raise RuntimeError("HAProxy did not route to the cuentas stand-in")

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="module")
def cuentas_server(settings: Settings) -> Iterator[tuple[CuentasStandIn, StandInCuentas]]:
    """Module-scoped, so the cuentas ports are free again for whatever runs next."""
    standin = CuentasStandIn()
    served = StandInCuentas(settings, standin)
    served.start()
    yield standin, served
    served.stop()


@pytest.fixture
def cuentas(cuentas_server) -> Iterator[CuentasStandIn]:
    standin, served = cuentas_server
    standin.reset()
    if not served.running:
        served.start()
    yield standin
    standin.reset()


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
