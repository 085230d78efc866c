"""The analytics service: ``services.analytics.main:app`` under granian (port ``analytics_port``).

It serves the KPI marts of the latest pipeline run that passed its checks, from memory; it
never queries an engine per request. The dbt docs site of that run is at ``/dbt-docs/``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.middleware import Middleware

from services.analytics.cache import SnapshotCache, loader_for
from services.analytics.fastpath import SnapshotFastPath
from services.analytics.views import router
from services.common.app import create_app
from services.common.errors import NotFound
from services.common.settings import get_settings

POLL_SECONDS = {"local": 0.5, "aws": 15.0}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    cache = SnapshotCache(loader_for(settings), interval=POLL_SECONDS[settings.env])
    await asyncio.to_thread(cache.refresh)
    app.state.cache = cache
    watcher = asyncio.create_task(cache.watch())
    try:
        yield
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


def ready_check() -> dict[str, object]:
    """Ready as soon as it runs: without a snapshot yet, data routes answer 503."""
    served = app.state.cache.served
    return {
        "snapshot": {
            "ok": True,
            "run_id": served.bundle.run_id if served else None,
            "as_of": served.bundle.as_of if served else None,
        }
    }


docs_router = APIRouter(tags=["dbt docs"])


@docs_router.get("/dbt-docs", include_in_schema=False)
async def dbt_docs_redirect() -> RedirectResponse:
    return RedirectResponse("/dbt-docs/", status_code=307)


@docs_router.get(
    "/dbt-docs/",
    response_class=HTMLResponse,
    summary="The dbt docs site of the snapshot served (models, columns, tests, lineage)",
)
async def dbt_docs(request: Request) -> HTMLResponse:
    served = request.app.state.cache.served
    if served is None or served.docs_html is None:
        raise NotFound("no dbt docs published yet: run the pipeline", code="docs_unavailable")
    return HTMLResponse(served.docs_html)


app = create_app(
    title="analytics",
    description=(
        "Executive KPIs of Cloud Bank from the data platform's marts: per currency, exact "
        "decimals, as of the latest pipeline run that passed its quality checks. Requires the "
        "`analytics:read` scope (role analista or admin)."
    ),
    routers=[router, docs_router],
    ready_check=ready_check,
    lifespan=lifespan,
    fast_lanes=[Middleware(SnapshotFastPath)],
)
