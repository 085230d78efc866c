"""CONTRACT STAND-INS for developing perfil360 before the real clientes, cuentas and
transacciones services land. In-memory, single process each, no validation beyond the
contract perfil360 relies on. The real services replace them in the final test run.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI, Header, HTTPException, Query, Request
from redis.exceptions import RedisError
from ulid import ULID

from infra.local.components import UvicornService
from services.common.settings import Settings, get_settings

# ids never repeat across restarts of a stand-in (its memory is lost, other stand-ins' is not)
_START = int(time.time() * 10) % 10**8


def _page(items: list, limit: int, offset: int, total: bool = True) -> dict:
    chunk = items[offset : offset + limit]
    more = offset + limit < len(items)
    return {
        "items": chunk,
        "total": len(items) if total else None,
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


def _base(title: str) -> FastAPI:
    app = FastAPI(title=f"{title} (contract stand-in)")

    @app.get("/health/ready")
    def ready() -> dict:
        return {"status": "ok"}

    return app


# --- clientes ----------------------------------------------------------------------------
clientes_app = _base("clientes")
_clientes: dict[int, dict] = {}
_cliente_ids = itertools.count(_START)


@clientes_app.post("/clientes", status_code=201)
async def crear_cliente(request: Request) -> dict:
    body = await request.json()
    cliente_id = next(_cliente_ids)
    now = datetime.now(UTC).isoformat()
    documento = body.get("documento") or {}
    _clientes[cliente_id] = {
        "cliente_id": cliente_id,
        "nombre": body["nombre"],
        "apellido": body["apellido"],
        "email": body["email"],
        "telefono": body.get("telefono"),
        "estado": body.get("estado", "activo"),
        "fecha_registro": now,
        "updated_at": now,
        "documentos": [{"documento_id": cliente_id, "cliente_id": cliente_id, **documento}],
    }
    return _clientes[cliente_id]


@clientes_app.get("/clientes/{cliente_id}")
def get_cliente(cliente_id: int) -> dict:
    if cliente_id not in _clientes:
        raise HTTPException(404, "not found")
    return _clientes[cliente_id]


@clientes_app.get("/clientes")
def buscar(q: str | None = None, limit: int = 50, offset: int = 0) -> dict:
    needle = (q or "").lower()
    found = [
        c
        for c in _clientes.values()
        if needle in f"{c['nombre']} {c['apellido']} {c['email']}".lower()
    ]
    return _page(found, limit, offset)


# --- cuentas -----------------------------------------------------------------------------
cuentas_app = _base("cuentas")
_cuentas: dict[int, dict] = {}
_cuenta_ids = itertools.count(_START)


@cuentas_app.post("/cuentas", status_code=201)
async def abrir_cuenta(request: Request) -> dict:
    body = await request.json()
    cuenta_id = next(_cuenta_ids)
    _cuentas[cuenta_id] = {
        "cuenta_id": cuenta_id,
        "cliente_id": body["cliente_id"],
        "tipo_cuenta_id": body["tipo_cuenta_id"],
        "tipo_cuenta_nombre": "Cuenta Free",
        "numero_cuenta": f"191{cuenta_id:011d}",
        "saldo": str(Decimal(str(body.get("saldo_inicial", "0.00"))).quantize(Decimal("0.01"))),
        "moneda": body["moneda"],
        "estado": "activa",
        "fecha_apertura": datetime.now(UTC).isoformat(),
    }
    return _cuentas[cuenta_id]


@cuentas_app.get("/cuentas/cliente/{cliente_id}")
def cuentas_de(cliente_id: int, limit: int = 50, offset: int = 0) -> dict:
    mine = [c for c in _cuentas.values() if c["cliente_id"] == cliente_id]
    return _page(mine, limit, offset)


@cuentas_app.patch("/cuentas/{cuenta_id}/saldo")
async def mover_saldo(cuenta_id: int, request: Request) -> dict:
    body = await request.json()
    cuenta = _cuentas[cuenta_id]
    delta = Decimal(body["monto"]) * (1 if body["operacion"] == "deposito" else -1)
    cuenta["saldo"] = str(Decimal(cuenta["saldo"]) + delta)
    return cuenta


# --- transacciones -----------------------------------------------------------------------
transacciones_app = _base("transacciones")
_transacciones: list[dict] = []


@transacciones_app.post("/transacciones", status_code=201)
async def crear_transaccion(
    request: Request, key: Annotated[str, Header(alias="Idempotency-Key")]
) -> dict:
    body = await request.json()
    settings = get_settings()
    origen, destino = body.get("cuenta_origen_id"), body.get("cuenta_destino_id")
    async with httpx.AsyncClient(base_url=settings.service_url(settings.cuentas_port)) as cuentas:
        if origen:
            await cuentas.patch(
                f"/cuentas/{origen}/saldo", json={"monto": body["monto"], "operacion": "retiro"}
            )
        if destino:
            await cuentas.patch(
                f"/cuentas/{destino}/saldo", json={"monto": body["monto"], "operacion": "deposito"}
            )
    doc = {
        "transaccion_id": str(ULID()),
        "tipo": body["tipo"],
        "cuenta_origen_id": origen,
        "cuenta_destino_id": destino,
        "monto": body["monto"],
        "moneda": body["moneda"],
        "descripcion": body.get("descripcion"),
        "estado": "COMPLETADA",
        "fecha": datetime.now(UTC).isoformat(),
    }
    _transacciones.insert(0, doc)
    ids = [c for c in (origen, destino) if c]
    redis = aioredis.Redis.from_url(settings.redis_url)
    with contextlib.suppress(RedisError, OSError):  # best effort, like the real service
        await redis.delete(*(f"perfil360:cuenta:{c}" for c in ids))
        await redis.publish(
            "cloudbank:transacciones:completadas",
            json.dumps({"transaccion_id": doc["transaccion_id"], "cuenta_ids": ids}),
        )
    await redis.aclose()
    return doc


@transacciones_app.get("/transacciones")
def listar(
    cuenta_id: Annotated[list[int] | None, Query()] = None, limit: int = 50, offset: int = 0
) -> dict:
    if len(cuenta_id or []) > 100:
        raise HTTPException(422, "at most 100 cuenta_id")
    ids = set(cuenta_id or [])
    found = [
        t
        for t in _transacciones
        if not ids or t["cuenta_origen_id"] in ids or t["cuenta_destino_id"] in ids
    ]
    return _page(found, limit, offset, total=False)


def standin_components(settings: Settings) -> list[UvicornService]:
    """The three stand-ins as stack components, on the real services' ports."""
    module = "tests.services.perfil360.standins"
    return [
        UvicornService(
            name, settings, app=f"{module}:{name}_app", base_port=getattr(settings, f"{name}_port")
        )
        for name in ("clientes", "cuentas", "transacciones")
    ]
