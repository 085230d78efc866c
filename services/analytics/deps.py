"""FastAPI dependencies of the analytics routes: the snapshot being served, filters."""

from __future__ import annotations

import enum
from typing import Annotated

from fastapi import Depends, Request

from services.analytics.cache import Served, SnapshotCache
from services.common.errors import Unavailable


class TipoTransaccion(enum.StrEnum):
    DEPOSITO = "DEPOSITO"
    RETIRO = "RETIRO"
    TRANSFERENCIA = "TRANSFERENCIA"
    PAGO_SERVICIO = "PAGO_SERVICIO"
    REVERSA = "REVERSA"


class EstadoTransaccion(enum.StrEnum):
    PENDIENTE = "PENDIENTE"
    COMPLETADA = "COMPLETADA"
    RECHAZADA = "RECHAZADA"


async def get_cache(request: Request) -> SnapshotCache:
    return request.app.state.cache


async def served_snapshot(request: Request) -> Served:
    """The snapshot being served; 503 until the pipeline has published one."""
    served = request.app.state.cache.served
    if served is None:
        raise Unavailable(
            "no analytics snapshot has been published yet: run the pipeline",
            code="snapshot_unavailable",
            headers={"Retry-After": "60"},
        )
    return served


Cache = Annotated[SnapshotCache, Depends(get_cache)]
Snapshot = Annotated[Served, Depends(served_snapshot)]
