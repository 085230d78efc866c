"""The app factory every service uses: errors, request ids, JSON logs, CORS, health, Swagger."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from services.common.errors import install_error_handlers
from services.common.fast_read import FastRead, FastReadMiddleware
from services.common.request_context import RequestContextMiddleware, configure_json_logging
from services.common.settings import get_settings

log = logging.getLogger("cloudbank.health")

# A readiness check returns details about each dependency; it raises (or returns ok=False
# entries) when the service cannot serve. An entry marked ``"required": False`` is reported
# but does not fail readiness (a soft dependency the service degrades without).
ReadyCheck = Callable[[], Awaitable[dict[str, object]] | dict[str, object]]


def create_app(
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    ready_check: ReadyCheck,
    version: str = "1.0.0",
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager] | None = None,
    fast_reads: Sequence[FastRead] = (),
) -> FastAPI:
    """``fast_reads``: GET-by-id routes whose ordinary case skips FastAPI's per-request
    machinery (see fast_read.py); the routes themselves must be in ``routers``."""
    settings = get_settings()
    configure_json_logging()
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True},
    )
    install_error_handlers(app)
    if fast_reads:  # innermost of ours: CORS, request ids and the access log still apply
        app.add_middleware(FastReadMiddleware, reads=fast_reads)
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
    app.add_middleware(RequestContextMiddleware)

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
