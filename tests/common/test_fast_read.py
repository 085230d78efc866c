"""The fast lane of GET-by-id routes: the ordinary case answered the route's way, byte for
byte, and everything else answered by the route itself."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter

from services.common.app import create_app
from services.common.auth import Role, Scope, issue_token, require
from services.common.errors import NotFound, Unavailable
from services.common.fast_read import FastRead

ROWS = {
    7: {"thing_id": 7, "name": 'ñandú "quoted"', "amount": Decimal("1.50"), "at": None},
    8: {"thing_id": 8, "name": "b", "amount": Decimal("0"), "at": datetime(2024, 1, 2, tzinfo=UTC)},
}
MAX_ID = 1000
calls = {"fast": 0, "route": 0}


class Thing(BaseModel):
    thing_id: int
    name: str
    amount: Decimal
    at: datetime | None


router = APIRouter(prefix="/things")


@router.get("/{thing_id}", dependencies=[Depends(require(Scope.CLIENTES_READ))])
async def get_thing(thing_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Thing:
    calls["route"] += 1
    if thing_id not in ROWS:
        raise NotFound(f"thing {thing_id} not found", code="thing_not_found")
    return Thing.model_validate(ROWS[thing_id])


_THING = TypeAdapter(Thing)


async def thing_json(app: FastAPI, thing_id: int) -> bytes | None:
    calls["fast"] += 1
    if thing_id == 666:
        raise RuntimeError("no handler for this one")
    if thing_id == 503:
        raise Unavailable("the store is down", code="store_unavailable")
    row = ROWS.get(thing_id)
    return None if row is None else _THING.dump_json(Thing.model_validate(row))


app = create_app(
    title="fast",
    description="test",
    routers=[router],
    ready_check=lambda: {},
    fast_reads=[FastRead("/things/", Scope.CLIENTES_READ, MAX_ID, thing_json)],
)
client = TestClient(app, raise_server_exceptions=False)


def auth(role: Role = Role.ADMIN, scheme: str = "Bearer") -> dict[str, str]:
    return {"Authorization": f"{scheme} {issue_token('t', role)}"}


def get(path: str, headers: dict[str, str]) -> tuple:
    calls.update(fast=0, route=0)
    response = client.get(path, headers=headers)
    return response, calls["fast"], calls["route"]


def test_the_ordinary_case_skips_the_route_and_answers_the_same_bytes():
    for thing_id in ROWS:
        fast, served_fast, routed = get(f"/things/{thing_id}", auth(scheme="bearer"))
        assert (fast.status_code, served_fast, routed) == (200, 1, 0)
        # a leading zero is not the plain form: the route answers it, for the same thing
        slow, served_fast, routed = get(f"/things/0{thing_id}", auth())
        assert (slow.status_code, served_fast, routed) == (200, 0, 1)
        assert fast.content == slow.content
        same = {"content-type", "content-length", "vary"}
        assert {k: fast.headers[k] for k in same} == {k: slow.headers[k] for k in same}
        assert fast.headers["x-request-id"]


def test_request_ids_apply_and_cors_requests_are_the_routes():
    response, served_fast, _ = get("/things/7", {**auth(), "X-Request-ID": "abc-1"})
    assert served_fast == 1 and response.headers["x-request-id"] == "abc-1"
    # a CORS request (Origin) is left to the route, so CORS answers it as for any route
    cors, served_fast, routed = get(
        "/things/7", {**auth(), "X-Request-ID": "abc-2", "Origin": "http://localhost:1"}
    )
    assert (cors.status_code, served_fast, routed) == (200, 0, 1)
    assert cors.content == response.content and cors.headers["x-request-id"] == "abc-2"
    assert "X-Request-ID" in cors.headers["access-control-expose-headers"]


def test_everything_else_is_the_routes_answer():
    cases = [
        ("/things/7", {}, 401, "unauthorized"),
        ("/things/7", {"Authorization": "Bearer not-a-jwt"}, 401, "invalid_token"),
        ("/things/7", auth(scheme="Basic"), 401, "unauthorized"),
        ("/things/7", auth(Role.ANALISTA), 403, "forbidden"),
        ("/things/0", auth(), 422, "validation_error"),
        ("/things/1001", auth(), 422, "validation_error"),
        ("/things/-7", auth(), 422, "validation_error"),
        ("/things/x", auth(), 422, "validation_error"),
        ("/things/9", auth(), 404, "thing_not_found"),  # fetch found nothing
        ("/things/666", auth(), 404, "thing_not_found"),  # fetch failed, unhandled
    ]
    for path, headers, status, code in cases:
        # the lane itself only ever answers 200: an error body is the route's (its handlers')
        response, _, _ = get(path, headers)
        assert (response.status_code, response.json()["code"]) == (status, code), path
    assert client.get("/things/7", headers={}).headers["www-authenticate"] == "Bearer"


def test_a_lookup_error_with_a_handler_is_answered_by_it_without_the_route():
    response, served_fast, routed = get("/things/503", auth())
    assert (served_fast, routed) == (1, 0)
    assert response.status_code == 503
    assert response.json() == {"detail": "the store is down", "code": "store_unavailable"}
    assert response.headers["x-request-id"]


def test_other_methods_and_paths_are_untouched():
    calls.update(fast=0)
    response = client.get("/things/7/", headers=auth(), follow_redirects=False)
    assert calls["fast"] == 0 and response.status_code == 307
    calls.update(fast=0)
    assert client.post("/things/7", headers=auth()).status_code == 405
    assert calls["fast"] == 0
