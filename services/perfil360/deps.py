"""Request dependencies: the pooled upstream clients and the cache live on ``app.state``.

They are ``async`` although they do no I/O: FastAPI runs a sync dependency in its thread pool,
two thread hand-offs per request that cost more than the lookup itself (and, on a cache hit,
more than the rest of the request)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from services.perfil360.cache import ProfileCache
from services.perfil360.upstream import Upstreams


async def get_upstreams(request: Request) -> Upstreams:
    return request.app.state.upstreams


async def get_cache(request: Request) -> ProfileCache:
    return request.app.state.cache


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
CacheDep = Annotated[ProfileCache, Depends(get_cache)]
ClienteId = Annotated[int, Path(ge=1, le=2_147_483_647, description="cliente_id in clientes")]
