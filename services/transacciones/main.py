"""transacciones: the transaction records and the posting protocol (FastAPI + MongoDB)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure

from services.common.app import create_app
from services.common.errors import error_body
from services.common.settings import get_settings
from services.transacciones import db
from services.transacciones.deps import build_runtime
from services.transacciones.recovery import run_periodically
from services.transacciones.views import router

log = logging.getLogger("cloudbank.transacciones")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    runtime = build_runtime(settings)
    app.state.runtime = runtime
    try:
        await db.ensure_indexes(runtime.poster.col)
    except Exception as exc:  # readiness reports it; writes fail cleanly until Mongo is back
        log.error("could not create indexes: %r", exc)
    recovery = None
    if settings.transacciones_recovery_interval_seconds > 0:
        recovery = asyncio.create_task(run_periodically(runtime.poster, settings))
    try:
        yield
    finally:
        if recovery is not None:
            recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recovery
        await runtime.aclose()


async def ready() -> dict[str, object]:
    await app.state.runtime.mongo.admin.command("ping")
    return {"mongo": {"ok": True}}


app = create_app(
    title="transacciones",
    description="Transactions of Cloud Bank: each one is recorded, posted atomically to the "
    "accounts' journal through cuentas, and never edited or deleted (a reversal undoes it).",
    routers=[router],
    ready_check=ready,
    lifespan=lifespan,
)


@app.exception_handler(ConnectionFailure)
async def store_unavailable(request: Request, exc: ConnectionFailure) -> JSONResponse:
    """MongoDB unreachable: 503, not 500. Nothing half-done is lost: a transaction is either
    not recorded yet or PENDIENTE, which the recovery pass (or a retry with the same key)
    finishes."""
    log.warning("mongo unavailable on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        error_body("the transaction store is unavailable; retry", "unavailable"), 503
    )
