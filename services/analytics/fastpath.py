"""A fast path for the dashboard's repeated reads: an ASGI middleware that replays an answer
the API already gave for the snapshot being served, without FastAPI's routing, parameter
parsing and dependency resolution (most of a request's cost here).

It answers only when all of these hold, and otherwise passes the request on untouched:

- a GET, with no ``Origin`` header (``plain_get``: CORS requests take the normal path);
- the same path and query string already got a 200 from the normal path for this snapshot
  (so the parameters were validated and the body is the one the route builds), or, for
  ``/calidad`` without parameters, for this state of the cache (snapshot and last run);
- a bearer token the service kit verifies (``decode_token``: signature, issuer, expiry) that
  carries ``analytics:read``; anything else goes on to the normal path, which answers 401/403.

It is one of the kit's fast lanes (``services/common/app.py``): inside the request id and
access log, so every answer still has its ``X-Request-ID`` and its access-log line, and before
FastAPI's own middleware stack.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.auth import Scope as AuthScope
from services.common.auth import bearer_grants
from services.common.fast_read import VARY_ORIGIN, plain_get

_JSON_HEADERS = [(b"content-type", b"application/json")]


class SnapshotFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if plain_get(scope):
            body = self._replay(scope)
            if body is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            *_JSON_HEADERS,
                            (b"content-length", str(len(body)).encode()),
                            VARY_ORIGIN,
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _replay(self, scope: Scope) -> bytes | None:
        cache = getattr(scope["app"].state, "cache", None)  # the FastAPI app's, once started
        if cache is None:
            return None
        body = cache.state.replay(scope["path"], scope["query_string"])
        if body is None:
            return None
        if not bearer_grants(scope["headers"], AuthScope.ANALYTICS_READ):
            return None
        return body
