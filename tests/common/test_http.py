"""The kit's service-to-service client (services/common/http.py) against a small aiohttp
server on a free port: what it sends, what it does with each kind of answer or failure."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from ingestion.testing import free_local_port
from services.common import http, request_context
from services.common.auth import Role, decode_token
from services.common.http import CONNECT_ERRORS, TRANSPORT_ERRORS, ServiceClient

Check = Callable[[ServiceClient, list[web.Request]], Awaitable[None]]


def _app(seen: list[web.Request]) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        seen.append(request)
        body = await request.json() if request.can_read_body else None
        return web.json_response(
            {"query": dict(request.query), "body": body}, headers={"X-Echo": "yes"}
        )

    async def slow(request: web.Request) -> web.Response:
        seen.append(request)
        await asyncio.sleep(float(request.query.get("s", "1")))
        return web.json_response({})

    async def moved(request: web.Request) -> web.Response:
        seen.append(request)
        raise web.HTTPFound("/echo")

    async def broken(request: web.Request) -> web.Response:
        seen.append(request)
        return web.Response(status=503, text="not json")

    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/slow", slow)
    app.router.add_get("/moved", moved)
    app.router.add_get("/broken", broken)
    return app


def _run(check: Check, *, timeout: float = 2.0) -> None:
    """Serve the app on a free port and run ``check`` with a client pointed at it."""

    async def main() -> None:
        seen: list[web.Request] = []
        runner = web.AppRunner(_app(seen))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        client = ServiceClient(f"http://127.0.0.1:{port}", service_name="tests", timeout=timeout)
        try:
            await check(client, seen)
        finally:
            await client.aclose()
            await runner.cleanup()

    asyncio.run(main())


def test_a_service_token_goes_with_every_request():
    async def check(client, seen):
        await client.get("/echo")
        await client.post("/echo", json={"a": 1})
        for request in seen:
            scheme, _, token = request.headers["Authorization"].partition(" ")
            principal = decode_token(token)
            assert (scheme, principal.sub, principal.role) == ("Bearer", "tests", Role.SERVICE)

    _run(check)


def test_the_token_is_renewed_before_it_expires(monkeypatch):
    issued: list[str] = []
    real_issue = http.issue_token

    def counting_issue(*args, **kwargs):
        issued.append(args[0])
        return real_issue(*args, **kwargs)

    monkeypatch.setattr(http, "issue_token", counting_issue)

    async def check(client, seen):
        await client.get("/echo")
        await client.get("/echo")
        assert len(issued) == 1  # reused while valid
        client._token_expires = http.time.time() + 30  # inside the renewal margin
        await client.get("/echo")
        assert len(issued) == 2

    _run(check)


def test_the_request_id_of_the_current_request_is_propagated():
    async def check(client, seen):
        await client.get("/echo")
        token = request_context._request_id.set("req-123")
        try:
            await client.get("/echo", headers={"X-Request-ID": "ignored"})
        finally:
            request_context._request_id.reset(token)
        assert "X-Request-ID" not in seen[0].headers
        assert seen[1].headers["X-Request-ID"] == "req-123"

    _run(check)


def test_params_json_and_the_reply():
    async def check(client, seen):
        reply = await client.post("/echo", params={"limit": 5, "q": "x"}, json={"monto": "1.50"})
        assert reply.status_code == 200
        assert reply.json() == {"query": {"limit": "5", "q": "x"}, "body": {"monto": "1.50"}}
        assert reply.headers["x-echo"] == "yes"
        assert reply.text.startswith("{")
        with pytest.raises(AttributeError):  # immutable
            reply.status_code = 500

        listed = await client.get("/echo", params=[("cuenta_id", "1"), ("cuenta_id", "2")])
        assert seen[-1].query.getall("cuenta_id") == ["1", "2"]
        assert listed.status_code == 200

    _run(check)


def test_an_http_error_is_an_answer_not_an_exception():
    async def check(client, seen):
        reply = await client.get("/broken")
        assert (reply.status_code, reply.content) == (503, b"not json")
        with pytest.raises(ValueError):
            reply.json()

    _run(check)


def test_redirects_are_not_followed():
    async def check(client, seen):
        reply = await client.get("/moved")
        assert reply.status_code == 302
        assert reply.headers["Location"] == "/echo"
        assert [r.path for r in seen] == ["/moved"]

    _run(check)


def test_a_timeout_is_a_transport_error_but_not_a_connect_error():
    async def check(client, seen):
        with pytest.raises(TRANSPORT_ERRORS) as error:
            await client.get("/slow", params={"s": "1"})
        assert not isinstance(error.value, CONNECT_ERRORS)  # it was sent: maybe under way
        assert len(seen) == 1

    _run(check, timeout=0.2)


def test_a_per_call_timeout_replaces_the_clients():
    async def check(client, seen):
        assert (await client.get("/slow", params={"s": "0.3"}, timeout=2)).status_code == 200
        with pytest.raises(TRANSPORT_ERRORS):
            await client.get("/slow", params={"s": "1"}, timeout=0.1)

    _run(check, timeout=0.2)


def test_an_unreachable_service_is_a_connect_error():
    async def main() -> None:
        client = ServiceClient(f"http://127.0.0.1:{free_local_port()}", service_name="tests")
        try:
            with pytest.raises(CONNECT_ERRORS):
                await client.get("/echo")
        finally:
            await client.aclose()

    asyncio.run(main())


def test_connections_are_pooled_and_kept_alive_briefly():
    async def check(client, seen):
        for _ in range(3):
            await client.get("/echo")
        await asyncio.gather(*(client.get("/echo") for _ in range(4)))
        # sequential calls reuse one connection (the client's side of it: one source port)
        peers = [r.transport.get_extra_info("peername") for r in seen]
        assert len(set(peers[:3])) == 1
        assert len(set(peers)) <= 4
        connector = client._session.connector
        assert connector.limit == client.max_connections
        assert connector._keepalive_timeout == http.KEEPALIVE_S < 5  # uvicorn closes at 5 s

    _run(check)


def test_the_session_is_made_on_first_use_and_closed_by_aclose():
    client = ServiceClient("http://127.0.0.1:1", service_name="tests")  # no loop running here
    assert client._session is None

    async def check(client, seen):
        await client.get("/echo")
        session = client._session
        await client.get("/echo")
        assert client._session is session
        await client.aclose()
        assert session.closed

    _run(check)
