"""FastAPI dependencies of the clientes routes: the database, the cuentas gateway, parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from services.clientes.cuentas import CuentasGateway
from services.clientes.db import Database

PG_INT_MAX = 2**31 - 1


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_cuentas(request: Request) -> CuentasGateway:
    return request.app.state.cuentas


Db = Annotated[Database, Depends(get_db)]
Cuentas = Annotated[CuentasGateway, Depends(get_cuentas)]

# Ids are PostgreSQL integers: anything outside 1..2^31-1 is a 422, not an overflow error.
ClienteId = Annotated[int, Path(ge=1, le=PG_INT_MAX, description="cliente_id")]
