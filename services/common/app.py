"""The app factory every service uses: errors, request ids, JSON logs, CORS, health, Swagger.

An HTTP request meets, in order: the request id, ``X-Instance`` and access log (every request,
the errors of the layers below included); the service's *fast lanes*, pure-ASGI answers for its
busiest plain reads (``fast_read.py``, analytics' snapshot replay); then FastAPI itself (its
server-error handler, CORS, exception handlers, routing). The first two wrap the application
object, so a fast lane's answer costs none of FastAPI's per-request work. A fast lane leaves
CORS requests (with ``Origin``) to the routes.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.errors import install_error_handlers
from services.common.fast_read import FastRead, FastReadMiddleware
from services.common.request_context import (
    RequestContextMiddleware,
    configure_json_logging,
    flush_logs,
)
from services.common.settings import get_settings

log = logging.getLogger("cloudbank.health")

# A readiness check returns details about each dependency; it raises (or returns ok=False
# entries) when the service cannot serve. An entry marked ``"required": False`` is reported
# but does not fail readiness (a soft dependency the service degrades without).
ReadyCheck = Callable[[], Awaitable[dict[str, object]] | dict[str, object]]


class ServiceApp(FastAPI):
    """FastAPI wrapped in the kit's outer layers (module docstring)."""

    def __init__(self, *, fast_lanes: Sequence[Middleware] = (), **kwargs) -> None:
        # no OpenTelemetry here (the JSON logs are the record): spares FastAPI looking for
        # configured providers on every request
        super().__init__(telemetry={"tracing": False, "metrics": False, "logs": False}, **kwargs)
        self.fast_lanes = tuple(fast_lanes)
        self._outer: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan
            try:
                await super().__call__(scope, receive, send)
            finally:
                flush_logs()  # the shutdown's last lines
            return
        if self._outer is None:
            self._outer = self._build_outer_layers()
        scope["app"] = self  # what Starlette sets; the fast lanes read the app's state
        await self._outer(scope, receive, send)

    def _build_outer_layers(self) -> ASGIApp:
        app: ASGIApp = super().__call__  # FastAPI with its own middleware stack
        for cls, args, kwargs in reversed(self.fast_lanes):
            app = cls(app, *args, **kwargs)
        return RequestContextMiddleware(app, instance=get_settings().instance_name)


def create_app(
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    ready_check: ReadyCheck,
    version: str = "1.0.0",
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager] | None = None,
    fast_reads: Sequence[FastRead] = (),
    fast_lanes: Sequence[Middleware] = (),
) -> ServiceApp:
    """``fast_reads``: GET-by-id routes whose ordinary case skips FastAPI's per-request
    machinery (see fast_read.py); the routes themselves must be in ``routers``.
    ``fast_lanes``: further pure-ASGI fast lanes, after the fast reads."""
    settings = get_settings()
    configure_json_logging()
    if fast_reads:
        fast_lanes = [Middleware(FastReadMiddleware, reads=fast_reads), *fast_lanes]
    app = ServiceApp(
        fast_lanes=fast_lanes,
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True},
    )
    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[
            f"http://localhost:{settings.port(settings.web_port)}",
            f"http://{settings.host}:{settings.port(settings.web_port)}",
        ],
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["X-Request-ID", "X-Cache"],
    )

    @app.get("/health", tags=["health"], summary="Liveness: the process answers")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": title}

    @app.get("/health/ready", tags=["health"], summary="Readiness: the service's stores answer")
    async def ready() -> JSONResponse:
        try:
            result = ready_check()
            if inspect.isawaitable(result):
                result = await result
            checks = dict(result)
            ok = all(
                not isinstance(v, dict) or v.get("ok", True) or v.get("required") is False
                for v in checks.values()
            )
        except Exception as exc:  # the body says what failed, without internals
            log.warning("readiness check failed: %s", exc)
            checks, ok = {"error": type(exc).__name__}, False
        body = {"status": "ok" if ok else "unavailable", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    for router in routers:
        app.include_router(router)
    return app
