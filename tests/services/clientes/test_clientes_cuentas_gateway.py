"""Contract test of clientes' client for cuentas (services/clientes/cuentas.py): what it does
with every kind of answer. cuentas' side is a minimal server here, on a port of its own,
because the real service never sends most of these answers; the end-to-end behaviour against
the real cuentas is in test_clientes_delete.py."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

import pytest
import uvicorn
from fastapi import FastAPI, Header, Query
from fastapi.responses import JSONResponse

from ingestion.testing import free_local_port
from services.clientes.cuentas import CuentasGateway
from services.common.auth import Scope, decode_token
from services.common.errors import ApiError, Unavailable
from services.common.settings import Settings, get_settings


@dataclass
class Answers:
    accounts: list[dict] = field(default_factory=list)
    status_code: int = 200
    body: object | None = None
    calls: list[dict] = field(default_factory=list)


def _app(answers: Answers) -> FastAPI:
    app = FastAPI()

    @app.get("/cuentas/cliente/{cliente_id}")
    def cuentas_de_cliente(
        cliente_id: int,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        authorization: Annotated[str | None, Header()] = None,
    ):
        answers.calls.append({"cliente_id": cliente_id, "limit": limit, "offset": offset})
        try:
            principal = decode_token((authorization or "").removeprefix("Bearer "))
        except ApiError:
            return JSONResponse({"detail": "bad token", "code": "invalid_token"}, 401)
        if Scope.CUENTAS_READ.value not in principal.scopes:
            return JSONResponse({"detail": "missing scope", "code": "forbidden"}, 403)
        if answers.status_code != 200 or answers.body is not None:
            return JSONResponse(answers.body or {"detail": "x", "code": "x"}, answers.status_code)
        page = answers.accounts[offset : offset + limit]
        more = offset + limit < len(answers.accounts)
        return {
            "items": page,
            "total": len(answers.accounts),
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if more else None,
        }

    return app


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Answers, Settings]]:
    answers = Answers()
    port = free_local_port()
    config = uvicorn.Config(_app(answers), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        assert thread.is_alive()
        time.sleep(0.02)
    base = get_settings()
    # a gateway pointed at this server: cuentas_port + port_offset = port
    settings = base.model_copy(update={"cuentas_port": port - base.port_offset})
    yield answers, settings
    running.should_exit = True
    thread.join(10)


@pytest.fixture
def answers(server) -> Answers:
    answers, _ = server
    answers.accounts, answers.status_code, answers.body = [], 200, None
    answers.calls.clear()
    return answers


def _open_accounts(settings: Settings, cliente_id: int = 7) -> list[dict]:
    async def ask() -> list[dict]:
        gateway = CuentasGateway(settings, timeout=2)
        try:
            return await gateway.open_accounts(cliente_id)
        finally:
            await gateway.aclose()

    return asyncio.run(ask())


def _cuenta(cuenta_id: int, estado: str) -> dict:
    return {"cuenta_id": cuenta_id, "estado": estado}


def test_open_accounts_are_those_not_closed(server, answers):
    _, settings = server
    answers.accounts = [_cuenta(1, "cerrada"), _cuenta(2, "activa"), _cuenta(3, "bloqueada")]
    assert [c["cuenta_id"] for c in _open_accounts(settings)] == [2, 3]
    # asked once, with the service token (checked above) and the page cap
    assert answers.calls == [{"cliente_id": 7, "limit": 200, "offset": 0}]


def test_every_page_is_read(server, answers):
    _, settings = server
    answers.accounts = [_cuenta(i, "cerrada") for i in range(450)] + [_cuenta(999, "activa")]
    assert [c["cuenta_id"] for c in _open_accounts(settings)] == [999]
    assert [c["offset"] for c in answers.calls] == [0, 200, 400]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, None),
        (503, None),
        (404, {"detail": "no such client", "code": "cliente_inexistente"}),
        (401, {"detail": "bad token", "code": "invalid_token"}),
        (200, {"unexpected": "shape"}),
        (200, {"items": [{"cuenta_id": 1}], "next_offset": None}),  # no estado
        (200, {"items": "nope", "next_offset": None}),
        (200, {"items": [], "next_offset": 0}),  # a page that would loop forever
    ],
)
def test_anything_but_a_clear_answer_is_unavailable(server, answers, status, body):
    _, settings = server
    answers.status_code, answers.body = status, body
    with pytest.raises(Unavailable) as error:
        _open_accounts(settings)
    assert error.value.code == "cuentas_unavailable"


def test_unreachable_cuentas_is_unavailable():
    base = get_settings()
    settings = base.model_copy(update={"cuentas_port": free_local_port() - base.port_offset})
    with pytest.raises(Unavailable):
        _open_accounts(settings)
