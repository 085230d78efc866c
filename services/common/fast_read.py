"""A short way in for a service's busiest reads: ``GET <prefix><id>`` answered without
FastAPI's per-request machinery.

For a GET by id FastAPI spends about as much CPU as the database lookup itself: matching the
path against every route, resolving the dependency tree (auth, database, path parameter),
the exception middleware and the response model. ``FastReadMiddleware`` answers only the
ordinary case itself: a plain id (digits, no sign or leading zero, within the route's
range), a valid bearer token holding the route's scope, and a row found. Its body is the
route's own response model serialized the same way, so the bytes are the same.

Everything else goes to the FastAPI route unchanged, which answers it exactly as before:
no or bad token (401), missing scope (403), an id the route rejects (422), an id with no
row (404). An exception of the lookup that the app has a handler for (a database error:
503) is answered by that handler, as the route would have been, without running the
lookup a second time; any other exception lets the route run. The route stays registered,
so the OpenAPI schema does not change. It is one of the kit's fast lanes (see app.py): inside
the request id and access log, before FastAPI's stack; a CORS request (with ``Origin``) goes to
the route, so CORS answers it as before.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from services.common.auth import Scope, bearer_grants

# an id exactly as the route's int path parameter would read it: digits, no sign or zeros
_PLAIN_ID = re.compile(r"[1-9][0-9]{0,18}")

#: ``fetch(app, id)``: the JSON body of the 200 answer, or None to let the route answer.
Fetch = Callable[[Any, int], Awaitable[bytes | None]]


@dataclass(frozen=True)
class FastRead:
    """``GET {prefix}{id}`` needing ``scope``, for ids 1..``max_id``."""

    prefix: str
    scope: Scope
    max_id: int
    fetch: Fetch


#: what CORS adds to every answer to a request without ``Origin`` (the routes' answers vary by
#: it), so a fast lane's answer carries it too
VARY_ORIGIN = (b"vary", b"Origin")


def plain_get(scope: AsgiScope) -> bool:
    """A GET a fast lane may answer: HTTP, and no ``Origin`` (CORS is the routes' business)."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    return not any(name == b"origin" for name, _ in scope["headers"])


class FastReadMiddleware:
    """Pure ASGI; serves the ordinary case of each ``FastRead`` and passes on the rest."""

    def __init__(self, app: ASGIApp, reads: Sequence[FastRead]):
        self.app = app
        self.reads = tuple(reads)

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if plain_get(scope):
            found = self._match(scope)
            if found is not None:
                read, thing_id = found
                try:
                    body = await read.fetch(scope["app"], thing_id)
                except Exception as exc:
                    handler = _handler_for(scope["app"], exc)
                    if handler is not None:
                        response = await handler(Request(scope, receive), exc)
                        await response(scope, receive, send)
                        return
                    body = None  # the route runs and meets the error its own way
                if body is not None:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 200,
                            "headers": [
                                (b"content-length", str(len(body)).encode("latin-1")),
                                (b"content-type", b"application/json"),
                                VARY_ORIGIN,
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)

    def _match(self, scope: AsgiScope) -> tuple[FastRead, int] | None:
        """The read this request is the ordinary case of, and its id."""
        path: str = scope["path"]
        for read in self.reads:
            if path.startswith(read.prefix):
                break
        else:
            return None
        raw_id = path[len(read.prefix) :]
        if not _PLAIN_ID.fullmatch(raw_id) or int(raw_id) > read.max_id:
            return None
        if not bearer_grants(scope["headers"], read.scope):
            return None
        return read, int(raw_id)


def _handler_for(app: Any, exc: Exception) -> Callable | None:
    """The app's async handler for ``exc``, looked up by class as Starlette does; None for
    the catch-all ``Exception`` handler (the route answers those)."""
    handlers = getattr(app, "exception_handlers", {})
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        handler = handlers.get(cls)
        if handler is not None:
            return handler if inspect.iscoroutinefunction(handler) else None
    return None
