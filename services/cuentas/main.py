"""The cuentas application: ``uvicorn services.cuentas.main:app``.

Two instances run behind HAProxy, sharing one database; each names itself in an
``X-Instance`` response header (the kit adds it from ``CLOUDBANK_INSTANCE_NAME``, set by the
stack).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from services.common.app import create_app
from services.common.errors import error_body
from services.common.settings import get_settings
from services.cuentas.async_reads import AsyncReads
from services.cuentas.clientes import Clientes
from services.cuentas.db import get_database
from services.cuentas.views import FAST_READS, internal, router, tipos

log = logging.getLogger("cloudbank.cuentas")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    app.state.clientes = Clientes(settings)
    app.state.reads = AsyncReads(settings)
    await app.state.reads.open()
    try:
        yield
    finally:
        await app.state.reads.close()
        await app.state.clientes.aclose()
        get_database().dispose()


# one thread of its own for readiness: the shared thread pool may be full of requests
# waiting for row locks, and HAProxy must still get its answer in time
_readiness_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness")


async def ready() -> dict[str, object]:
    return await asyncio.get_running_loop().run_in_executor(_readiness_thread, get_database().ping)


def build_app() -> FastAPI:
    app = create_app(
        title="cuentas",
        description=(
            "Accounts, balances and their append-only journal. Every change of money is one "
            "MySQL transaction, idempotent (Idempotency-Key or transaccion_id) and journaled."
        ),
        routers=[tipos, router, internal],
        ready_check=ready,
        lifespan=lifespan,
        fast_reads=FAST_READS,
    )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(SQLAlchemyTimeoutError)
    async def database_unavailable(_: Request, exc: Exception) -> JSONResponse:
        """A safety net: the database paths turn these into 503 themselves."""
        log.warning("database unavailable: %s", type(exc).__name__)
        return JSONResponse(
            error_body("the accounts database is unavailable; retry", "db_unavailable"),
            status_code=503,
            headers={"Retry-After": "1"},
        )

    return app


app = build_app()
