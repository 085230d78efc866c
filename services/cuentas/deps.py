"""FastAPI dependencies of cuentas."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from services.common.auth import Principal, Scope, require
from services.common.idempotency import idempotency_key
from services.cuentas.clientes import Clientes
from services.cuentas.db import Database, get_database
from services.cuentas.schemas import INT_MAX


# async (they do no I/O): a sync dependency costs a thread-pool round trip per request
async def _database() -> Database:
    return get_database()


async def _clientes(request: Request) -> Clientes:
    return request.app.state.clientes


DatabaseDep = Annotated[Database, Depends(_database)]
ClientesDep = Annotated[Clientes, Depends(_clientes)]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]
CuentaId = Annotated[int, Path(ge=1, le=INT_MAX, description="the account's cuenta_id")]

CanRead = Annotated[Principal, Depends(require(Scope.CUENTAS_READ))]
CanWrite = Annotated[Principal, Depends(require(Scope.CUENTAS_WRITE))]
CanPost = Annotated[Principal, Depends(require(Scope.MOVIMIENTOS_POST))]
