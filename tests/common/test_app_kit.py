"""The service kit on a tiny app: auth, errors, pagination, request ids, health."""

import asyncio
import io
import json
import logging
from decimal import Decimal

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from pydantic import BaseModel

from services.common.app import create_app
from services.common.auth import Role, Scope, issue_token, require
from services.common.errors import Conflict
from services.common.idempotency import canonical_json, fingerprint, idempotency_key
from services.common.money import Monto, from_minor, to_minor
from services.common.pagination import Page, Pagination
from services.common.request_context import (
    FLUSH_SECONDS,
    JsonFormatter,
    LoopFlushingStreamHandler,
    configure_json_logging,
    flush_logs,
)

router = APIRouter()


class Body(BaseModel):
    monto: Monto


@router.get("/items", dependencies=[Depends(require(Scope.CLIENTES_READ))])
def items(page: Pagination) -> Page[int]:
    data = list(range(500))[page.offset : page.offset + page.limit + 1]
    return Page.build(data, page)


@router.post("/pay", dependencies=[Depends(require(Scope.CUENTAS_WRITE))])
def pay(body: Body, key: str = Depends(idempotency_key)) -> dict:
    return {"monto": body.monto, "key": key}


@router.get("/conflict")
def conflict() -> None:
    raise Conflict("email already registered", code="duplicate_email")


@router.get("/boom")
def boom() -> None:
    raise RuntimeError("secret internals")


ready_state = {"ok": True}
app = create_app(
    title="kit",
    description="test",
    routers=[router],
    ready_check=lambda: {"store": {"ok": ready_state["ok"]}},
)
client = TestClient(app, raise_server_exceptions=False)


def auth(role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('t', role)}"}


def test_no_token_is_401_and_wrong_scope_is_403():
    assert client.get("/items").status_code == 401
    assert (
        client.get("/items", headers={"Authorization": "Bearer junk"}).json()["code"]
        == "invalid_token"
    )
    response = client.get("/items", headers=auth(Role.ANALISTA))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client.get("/items", headers=auth(Role.CAJERO)).status_code == 200


def test_expired_token_is_401():
    token = issue_token("t", Role.ADMIN, ttl_minutes=-1)
    assert client.get("/items", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_token_verified_once_still_expires(monkeypatch):
    import services.common.auth as auth

    token = issue_token("t", Role.ADMIN, ttl_minutes=1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/items", headers=headers).status_code == 200  # verified and cached
    later = auth.time.time() + 61
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert client.get("/items", headers=headers).status_code == 401
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    monkeypatch.undo()
    response = client.get("/items", headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401


def test_pagination_caps_limit_and_reports_next_offset():
    headers = auth(Role.ADMIN)
    assert client.get("/items?limit=201", headers=headers).status_code == 422
    assert client.get("/items?offset=-1", headers=headers).status_code == 422
    page = client.get("/items?limit=200&offset=400", headers=headers).json()
    assert page["items"][0] == 400 and len(page["items"]) == 100 and page["next_offset"] is None
    page = client.get("/items", headers=headers).json()
    assert page["limit"] == 50 and page["next_offset"] == 50


def test_errors_are_json_with_code_and_never_leak_internals():
    assert client.get("/conflict").json() == {
        "detail": "email already registered",
        "code": "duplicate_email",
    }
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret" not in response.text and response.json()["code"] == "internal_error"
    assert client.get("/nowhere").json()["code"] == "not_found"
    assert client.delete("/conflict").status_code == 405


@pytest.mark.parametrize("monto", ["0", "-1", "1.001", "abc", "1e400", "10000000000000.00"])
def test_money_validation_rejects_bad_amounts(monto):
    response = client.post(
        "/pay", json={"monto": monto}, headers={**auth(Role.CAJERO), "Idempotency-Key": "k" * 10}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_money_is_exact_and_serialised_as_string():
    response = client.post(
        "/pay", json={"monto": "0.10"}, headers={**auth(Role.CAJERO), "Idempotency-Key": "abcdefgh"}
    )
    assert response.json() == {"monto": "0.10", "key": "abcdefgh"}
    assert to_minor(Decimal("1234.56")) == 123456 and from_minor(123456) == Decimal("1234.56")
    with pytest.raises(ValueError):
        to_minor(Decimal("0.001"))


def test_idempotency_key_is_required_and_validated():
    assert client.post("/pay", json={"monto": "1"}, headers=auth(Role.CAJERO)).status_code == 428
    bad = client.post(
        "/pay", json={"monto": "1"}, headers={**auth(Role.CAJERO), "Idempotency-Key": "short"}
    )
    assert bad.status_code == 422
    assert fingerprint({"a": 1, "b": "2"}) == fingerprint({"b": "2", "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
    assert canonical_json({"b": [1, "x"], "a": Decimal("1.50")}) == '{"a":"1.50","b":[1,"x"]}'


def test_request_id_is_echoed_or_generated():
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    generated = client.get("/health", headers={"X-Request-ID": "bad id with spaces"}).headers[
        "X-Request-ID"
    ]
    assert generated != "bad id with spaces" and len(generated) == 32


def test_each_request_has_one_json_access_line_and_errors_keep_their_request_id(capsys):
    configure_json_logging()  # onto the captured stdout
    client.get("/health", headers={"X-Request-ID": "log-1"})
    boom = client.get('/boom?q="x"', headers={"X-Request-ID": "log-2"})
    assert boom.status_code == 500 and boom.headers["X-Request-ID"] == "log-2"
    flush_logs()  # what the event loop does within FLUSH_SECONDS (each request here has its own)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    access = [line for line in lines if line["logger"] == "cloudbank.access"]
    for line in access:
        assert line.pop("ms") >= 0 and line.pop("ts")
    assert access == [
        {
            "level": "info",
            "logger": "cloudbank.access",
            "msg": "request",
            "request_id": request_id,
            "method": "GET",
            "path": path,
            "status": status,
        }
        for request_id, path, status in (("log-1", "/health", 200), ("log-2", "/boom", 500))
    ]
    # the unhandled error's own record carries the request id too
    assert any(line.get("request_id") == "log-2" and "exc" in line for line in lines)


def test_records_are_written_by_the_event_loop_in_one_write_and_warnings_at_once():
    stream = _CountingStream()
    handler = LoopFlushingStreamHandler(stream)
    handler.setFormatter(JsonFormatter())

    def record(level: int) -> logging.LogRecord:
        return logging.LogRecord("t", level, __file__, 1, "m", None, None)

    async def burst() -> tuple[int, int, int, int]:
        for _ in range(3):
            handler.handle(record(logging.INFO))
        handler.write_line('{"msg": "access"}\n')
        held = (stream.writes, stream.flushes)
        await asyncio.sleep(FLUSH_SECONDS * 2)
        return (*held, stream.writes, stream.flushes)

    # held (an unbuffered stream would make each line a system call), then one write
    assert asyncio.run(burst()) == (0, 0, 1, 1)
    assert stream.getvalue().count("\n") == 4 and stream.getvalue().endswith('"access"}\n')
    handler.handle(record(logging.WARNING))
    assert (stream.writes, stream.flushes) == (2, 2)
    handler.handle(record(logging.INFO))  # outside any event loop: written at once
    assert (stream.writes, stream.flushes) == (3, 3)
    assert stream.getvalue().count("\n") == 6


def test_a_burst_is_written_once_the_handler_holds_its_maximum():
    stream = _CountingStream()
    handler = LoopFlushingStreamHandler(stream)

    async def burst() -> int:
        for i in range(handler.MAX_PENDING + 1):
            handler.write_line(f"{i}\n")
        return stream.writes

    assert asyncio.run(burst()) == 1
    assert stream.getvalue().splitlines() == [str(i) for i in range(handler.MAX_PENDING)]


class _CountingStream(io.StringIO):
    writes = flushes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)

    def flush(self) -> None:
        self.flushes += 1


def test_readiness_reflects_the_store():
    assert client.get("/health/ready").status_code == 200
    ready_state["ok"] = False
    try:
        response = client.get("/health/ready")
        assert response.status_code == 503 and response.json()["status"] == "unavailable"
    finally:
        ready_state["ok"] = True


def test_swagger_declares_bearer_auth():
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_a_soft_dependency_down_is_reported_without_failing_readiness():
    soft = create_app(
        title="soft",
        description="test",
        routers=[],
        ready_check=lambda: {
            "store": {"ok": True},
            "cache": {"ok": False, "required": False},
        },
    )
    response = TestClient(soft).get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"]["ok"] is False
    hard = create_app(
        title="hard",
        description="test",
        routers=[],
        ready_check=lambda: {"store": {"ok": False, "required": True}},
    )
    assert TestClient(hard).get("/health/ready").status_code == 503
