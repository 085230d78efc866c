"""HTTP routes of perfil360 (paths as in the original MS3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from services.common.auth import Scope, require
from services.common.errors import Unprocessable
from services.common.pagination import Pagination
from services.perfil360 import service
from services.perfil360.deps import CacheDep, ClienteId, UpstreamsDep
from services.perfil360.schemas import BusquedaClientes, PerfilCompleto, TransaccionesCliente

router = APIRouter(
    prefix="/api/clientes",
    tags=["perfil360"],
    dependencies=[Depends(require(Scope.PERFIL_READ))],
)

_ERRORS = {
    404: {"description": "unknown client"},
    503: {"description": "clientes (the one hard dependency) is unavailable"},
}
_CACHE_HEADER = {
    "X-Cache": {
        "description": "hit: served from the cache; miss: assembled now",
        "schema": {"type": "string", "enum": ["hit", "miss"]},
    }
}
JSON = "application/json"


@router.get(
    "/buscar",
    summary="Search clients by name, surname, e-mail or document number (server-side)",
    response_model=BusquedaClientes,
    responses={503: _ERRORS[503]},
)
async def buscar_clientes(
    up: UpstreamsDep,
    page: Pagination,
    q: Annotated[str, Query(min_length=1, max_length=100, description="text to look for")],
) -> BusquedaClientes:
    text = q.strip()
    if not text:
        raise Unprocessable("q must contain some non-blank text", code="invalid_query")
    return await service.buscar(up, text, page)


@router.get(
    "/{cliente_id}/perfil-completo",
    summary="The 360° profile: client, accounts, recent transactions, summary per currency",
    description="Served from a 5-minute cache invalidated by the client's new transactions "
    "(header X-Cache). A request with `Cache-Control: no-cache` skips the cached copy: the "
    "profile is assembled now (X-Cache: miss) and replaces the cached one. When accounts or "
    "transactions cannot be read the answer is still 200, with `parcial: true` and the failed "
    "sections in `secciones_fallidas` (never cached).",
    response_model=PerfilCompleto,
    responses={200: {"headers": _CACHE_HEADER}, **_ERRORS},
)
async def perfil_completo(
    cliente_id: ClienteId,
    up: UpstreamsDep,
    cache: CacheDep,
    cache_control: Annotated[
        str | None,
        Header(description="`no-cache`: assemble the profile now and refresh the cached copy"),
    ] = None,
) -> Response:
    if cache_control is not None and no_cache(cache_control):
        lookup = await cache.fresh()
    else:
        lookup = await cache.get(cliente_id)
        if lookup.body is not None:  # the stored JSON as it is: no parsing, no re-encoding
            return Response(lookup.body, media_type=JSON, headers={"X-Cache": "hit"})
    perfil = await service.perfil_completo(up, cliente_id)
    body = perfil.model_dump_json().encode()
    if not perfil.parcial:
        await cache.store(cliente_id, (c.cuenta_id for c in perfil.cuentas), body, lookup.seq)
    return Response(body, media_type=JSON, headers={"X-Cache": "miss"})


def no_cache(cache_control: str) -> bool:
    """Whether a Cache-Control request header holds the ``no-cache`` directive."""
    return any(d.split("=", 1)[0].strip().lower() == "no-cache" for d in cache_control.split(","))


@router.get(
    "/{cliente_id}/transacciones",
    summary="The client's transactions over all its accounts, newest first, each once",
    response_model=TransaccionesCliente,
    responses={
        404: _ERRORS[404],
        503: {"description": "clientes, cuentas or transacciones is unavailable"},
    },
)
async def transacciones_cliente(
    cliente_id: ClienteId, up: UpstreamsDep, page: Pagination
) -> TransaccionesCliente:
    return await service.transacciones_cliente(up, cliente_id, page)
