"""perfil360: the BFF that assembles a client's 360° view from clientes, cuentas and
transacciones, with a Redis cache. It has no database of its own.

Readiness: every dependency is reported with its latency, but only clientes is required (a
profile without it is impossible); cuentas, transacciones and Redis down degrade the answer
(partial profiles, no cache) without taking perfil360 out of service.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.common.app import create_app
from services.common.auth_login import router as login_router
from services.common.settings import get_settings
from services.perfil360.cache import InvalidationSubscriber, ProfileCache
from services.perfil360.upstream import CLIENTES, CUENTAS, TRANSACCIONES, Upstreams
from services.perfil360.views import router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    app.state.upstreams = Upstreams(settings)
    app.state.cache = ProfileCache(settings.redis_url)
    app.state.subscriber = InvalidationSubscriber(app.state.cache)
    app.state.subscriber.start()
    try:
        yield
    finally:
        await app.state.subscriber.stop()
        await app.state.cache.aclose()
        await app.state.upstreams.aclose()


async def readiness() -> dict[str, object]:
    up: Upstreams = app.state.upstreams
    cache: ProfileCache = app.state.cache
    clientes, cuentas, transacciones, redis = await asyncio.gather(
        up.ping(CLIENTES), up.ping(CUENTAS), up.ping(TRANSACCIONES), cache.ping()
    )
    return {
        CLIENTES: {**clientes, "required": True},
        CUENTAS: {**cuentas, "required": False},
        TRANSACCIONES: {**transacciones, "required": False},
        "redis": {**redis, "required": False},
    }


app = create_app(
    title="perfil360",
    description=__doc__,
    routers=[router, login_router],
    ready_check=readiness,
    lifespan=lifespan,
)
