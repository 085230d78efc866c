"""Fixtures of the clientes tests: the real PostgreSQL and the real service (uvicorn, run by
the stack manager with its migrations), plus a contract stand-in for cuentas.

Everything runs under the test stack's settings (CLOUDBANK_VAR_DIR defaults to var/test; the
port offset comes from CLOUDBANK_PORT_OFFSET), so it never touches a developer's stack.
"""

from __future__ import annotations

import os
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

from infra.local.components import Postgres, UvicornService
from infra.local.process import port_in_use
from infra.local.stack import Stack
from services.common.auth import Role, Scope, decode_token, issue_token
from services.common.errors import ApiError
from services.common.settings import REPO_ROOT, Settings, get_settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    # the test stack's own folder; the services started below inherit this environment
    os.environ.setdefault("CLOUDBANK_VAR_DIR", str(REPO_ROOT / "var" / "test"))
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="session")
def clientes_stack(settings: Settings) -> Iterator[Stack]:
    """PostgreSQL and the clientes service (one worker), started unless already running;
    stopped at the end only if this session started them."""
    components = [
        Postgres(settings),
        UvicornService(
            "clientes",
            settings,
            app="services.clientes.main:app",
            base_port=settings.clientes_port,
            workers=1,
            prepare_module="services.clientes.migrate",
        ),
    ]
    stack = Stack(settings, components)
    already = {c.name for c in components if stack.pid_file(c).live_pid() is not None}
    stack.up()
    yield stack
    stack.down([c.name for c in components if c.name not in already])


@pytest.fixture(scope="session")
def base_url(clientes_stack: Stack, settings: Settings) -> str:
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
def db(clientes_stack: Stack, settings: Settings) -> Iterator[psycopg.Connection]:
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


@pytest.fixture(scope="session")
def cuentas_server(settings: Settings) -> Iterator[tuple[CuentasStandIn, _Server]]:
    port = settings.port(settings.cuentas_port)
    if port_in_use(settings.host, port):
        pytest.fail(
            f"port {port} (cuentas) is taken: stop the cuentas/HAProxy of this stack, or switch "
            "these tests to the real cuentas"
        )
    standin = CuentasStandIn()
    server = _Server(standin.app(), settings.host, port)
    server.start()
    yield standin, server
    server.stop()


@pytest.fixture
def cuentas(cuentas_server) -> Iterator[CuentasStandIn]:
    standin, server = cuentas_server
    standin.reset()
    if server.server is None:
        server.start()
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
