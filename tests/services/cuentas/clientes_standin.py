"""CONTRACT STAND-IN for the clientes service — not the real one.

cuentas asks clientes one question, ``GET /clientes/{id}`` with a service token: 200 with the
client (we read ``estado``), or 404. While the real clientes service is built in parallel,
the cuentas tests serve this minimal FastAPI app on the clientes port instead. It honours
the same contract (bearer token with ``clientes:read``, kit error bodies) and answers from the
rule in clientes_contract.py.

Swap it for the real service (and real clients) once clientes is merged.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from services.common.app import create_app
from services.common.auth import Scope, require
from services.common.errors import NotFound
from tests.services.cuentas.clientes_contract import estado_of

router = APIRouter()


@router.get("/clientes/{cliente_id}", dependencies=[Depends(require(Scope.CLIENTES_READ))])
def get_cliente(cliente_id: Annotated[int, Path(ge=1)]) -> dict:
    estado = estado_of(cliente_id)
    if estado is None:
        raise NotFound(f"client {cliente_id} not found", code="not_found")
    return {
        "cliente_id": cliente_id,
        "nombre": "Cliente",
        "apellido": f"Prueba {cliente_id}",
        "email": f"cliente{cliente_id}@example.com",
        "telefono": None,
        "estado": estado,
    }


app = create_app(
    title="clientes (contract stand-in)",
    description="test double of GET /clientes/{id}",
    routers=[router],
    ready_check=lambda: {"standin": {"ok": True}},
)
