"""Request dependencies: the pooled upstream clients and the cache live on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from services.perfil360.cache import ProfileCache
from services.perfil360.upstream import Upstreams


def get_upstreams(request: Request) -> Upstreams:
    return request.app.state.upstreams


def get_cache(request: Request) -> ProfileCache:
    return request.app.state.cache


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
CacheDep = Annotated[ProfileCache, Depends(get_cache)]
ClienteId = Annotated[int, Path(ge=1, le=2_147_483_647, description="cliente_id in clientes")]
