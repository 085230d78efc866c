"""Routes of the analytics API. Every one needs the ``analytics:read`` scope and answers from
the snapshot in memory (503 until the pipeline has published one)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from services.analytics import calidad as calidad_answer
from services.analytics import schemas as s
from services.analytics.cache import Served
from services.analytics.deps import Cache, EstadoTransaccion, Snapshot, TipoTransaccion
from services.common.auth import Scope, require
from services.common.errors import Unavailable
from services.common.money import Moneda
from services.common.pagination import Pagination

router = APIRouter(dependencies=[Depends(require(Scope.ANALYTICS_READ))], tags=["analytics"])

_503 = {503: {"description": "no snapshot published yet (run the pipeline)"}}

MonedaQ = Annotated[Moneda | None, Query(description="only this currency")]
TipoQ = Annotated[TipoTransaccion | None, Query(description="only this transaction type")]
DesdeQ = Annotated[date | None, Query(description="first month (any day in it), inclusive")]
HastaQ = Annotated[date | None, Query(description="last month (any day in it), inclusive")]


def _json(request: Request, snap: Served, key: tuple, build) -> Response:
    """The rendered answer (once per snapshot and parameters), kept for the fast path."""
    body = snap.render(key, build)
    snap.remember(request.url.path, request.scope["query_string"], body)
    return Response(content=body, media_type="application/json")


def _month(day: date | None) -> str | None:
    return day.replace(day=1).isoformat() if day else None


def _value(member) -> str | None:
    return member.value if member is not None else None


@router.get(
    "/dashboard-ejecutivo",
    response_model=s.DashboardEjecutivo,
    summary="Executive dashboard: clients, accounts, balances and volume per currency",
    responses=_503,
)
async def dashboard_ejecutivo(request: Request, snap: Snapshot) -> Response:
    return _json(request, snap, ("dashboard",), lambda v: v.dashboard())


@router.get(
    "/clientes-por-estado",
    response_model=s.ClientesPorEstado,
    summary="Clients per state (every state, with its share)",
    responses=_503,
)
async def clientes_por_estado(request: Request, snap: Snapshot, page: Pagination) -> Response:
    key = ("clientes_por_estado", page.limit, page.offset)
    return _json(request, snap, key, lambda v: v.clientes_por_estado(page))


@router.get(
    "/clientes/activos",
    response_model=s.ClientesActivos,
    summary="Active clients (definition in the body) and the list of them",
    responses=_503,
)
async def clientes_activos(request: Request, snap: Snapshot, page: Pagination) -> Response:
    key = ("clientes_activos", page.limit, page.offset)
    return _json(request, snap, key, lambda v: v.clientes_activos(page))


@router.get(
    "/cuentas/por-tipo",
    response_model=s.CuentasPorTipo,
    summary="Accounts and balances per account type and currency (types without accounts too)",
    responses=_503,
)
async def cuentas_por_tipo(
    request: Request, snap: Snapshot, page: Pagination, moneda: MonedaQ = None
) -> Response:
    key = ("cuentas_por_tipo", page.limit, page.offset, _value(moneda))
    return _json(request, snap, key, lambda v: v.cuentas_por_tipo(page, _value(moneda)))


@router.get(
    "/top-cuentas",
    response_model=s.TopCuentas,
    summary="Accounts with the highest balance, ranked within each currency",
    responses=_503,
)
async def top_cuentas(
    request: Request, snap: Snapshot, page: Pagination, moneda: MonedaQ = None
) -> Response:
    key = ("top_cuentas", page.limit, page.offset, _value(moneda))
    return _json(request, snap, key, lambda v: v.top_cuentas(page, _value(moneda)))


@router.get(
    "/transacciones/por-mes",
    response_model=s.TransaccionesPorMes,
    summary="Transactions per month, type, state and currency (count and amount)",
    responses=_503,
)
async def transacciones_por_mes(
    request: Request,
    snap: Snapshot,
    page: Pagination,
    moneda: MonedaQ = None,
    tipo: TipoQ = None,
    estado: Annotated[EstadoTransaccion | None, Query(description="only this state")] = None,
    desde: DesdeQ = None,
    hasta: HastaQ = None,
) -> Response:
    args = {
        "moneda": _value(moneda),
        "tipo": _value(tipo),
        "estado": _value(estado),
        "desde": _month(desde),
        "hasta": _month(hasta),
    }
    key = ("por_mes", page.limit, page.offset, *args.values())
    return _json(request, snap, key, lambda v: v.transacciones_por_mes(page, **args))


@router.get(
    "/volumen-transacciones",
    response_model=s.VolumenTransacciones,
    summary="Volume per month, type and currency: COMPLETADA transactions only",
    responses=_503,
)
async def volumen_transacciones(
    request: Request,
    snap: Snapshot,
    page: Pagination,
    moneda: MonedaQ = None,
    tipo: TipoQ = None,
    desde: DesdeQ = None,
    hasta: HastaQ = None,
) -> Response:
    args = {
        "moneda": _value(moneda),
        "tipo": _value(tipo),
        "desde": _month(desde),
        "hasta": _month(hasta),
    }
    key = ("volumen", page.limit, page.offset, *args.values())
    return _json(request, snap, key, lambda v: v.volumen_transacciones(page, **args))


@router.get(
    "/actividad-diaria",
    response_model=s.ActividadDiaria,
    summary="Per day of the last 30 days, type and currency: transactions by state and volume",
    responses=_503,
)
async def actividad_diaria(
    request: Request, snap: Snapshot, page: Pagination, moneda: MonedaQ = None, tipo: TipoQ = None
) -> Response:
    key = ("actividad", page.limit, page.offset, _value(moneda), _value(tipo))
    return _json(
        request,
        snap,
        key,
        lambda v: v.actividad_diaria(page, moneda=_value(moneda), tipo=_value(tipo)),
    )


@router.get(
    "/frescura",
    response_model=s.Frescura,
    summary="Per source table: partition read, newest change (watermark), rows",
    responses=_503,
)
async def frescura(request: Request, snap: Snapshot) -> Response:
    return _json(request, snap, ("frescura",), lambda v: v.frescura())


@router.get(
    calidad_answer.PATH,
    response_model=s.Calidad,
    summary="The latest pipeline run's checks (dbt and Great Expectations), passed or failed",
    responses={503: {"description": "no pipeline run has been recorded yet"}},
)
async def calidad(cache: Cache) -> Response:
    body = calidad_answer.calidad_json(cache)
    if body is None:
        raise Unavailable("no pipeline run has been recorded yet", code="no_pipeline_run")
    return Response(content=body, media_type="application/json")
