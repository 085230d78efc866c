"""The clientes service: ``uvicorn services.clientes.main:app`` (port ``clientes_port``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout

from services.clientes.cuentas import CuentasGateway
from services.clientes.db import Database
from services.clientes.views import FAST_READS, router
from services.common.app import create_app
from services.common.errors import error_body
from services.common.settings import get_settings

log = logging.getLogger("cloudbank.clientes")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    app.state.db = Database(settings)
    app.state.cuentas = CuentasGateway(settings)
    await app.state.db.open()
    try:
        yield
    finally:
        await app.state.cuentas.aclose()
        await app.state.db.close()


async def ready_check() -> dict[str, object]:
    await app.state.db.ping()
    return {"postgres": {"ok": True}}


app = create_app(
    title="clientes",
    description="Customers of Cloud Bank and their identity documents (PostgreSQL).",
    routers=[router],
    ready_check=ready_check,
    lifespan=lifespan,
    fast_reads=FAST_READS,
)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """Lost or refused database connections are a 503 (retry later), not a 500."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        error_body("the database is unavailable; try again later", "db_unavailable"), 503
    )


async def _rejected_value(request: Request, exc: Exception) -> JSONResponse:
    """A value PostgreSQL refuses (out of range, NUL byte...) that slipped past validation is
    still the caller's input: 422, logged so the gap in the schemas gets fixed."""
    log.warning("database rejected a value on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(error_body("a value is not acceptable", "invalid_value"), 422)


for _exc in (psycopg.OperationalError, PoolTimeout, sqlalchemy.exc.OperationalError):
    app.add_exception_handler(_exc, _database_unavailable)
app.add_exception_handler(psycopg.DataError, _rejected_value)
