"""HTTP routes of cuentas. Reads need ``cuentas:read``, changes ``cuentas:write``, and the
internal ledger posting ``movimientos:post`` (the service role only).

The routes are async and hand the blocking database work to the thread pool in one call
(a sync route costs a thread-pool round trip for itself and another for its response)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, TypeAdapter

from services.common.auth import Scope
from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.fast_read import FastRead
from services.common.idempotency import canonical_json
from services.common.money import Moneda
from services.common.pagination import Page, Pagination
from services.cuentas import ledger, queries, service
from services.cuentas.clientes import ESTADO_ACTIVO
from services.cuentas.deps import (
    CanPost,
    CanRead,
    CanWrite,
    ClientesDep,
    CuentaId,
    DatabaseDep,
    IdempotencyKey,
)
from services.cuentas.idempotency import Outcome
from services.cuentas.schemas import (
    INT_MAX,
    CuentaCreate,
    CuentaPublic,
    EstadoCuenta,
    EstadoUpdate,
    MovimientoPublic,
    PostingCreate,
    PostingResult,
    SaldoUpdate,
    TipoCuentaPublic,
)

REPLAY_HEADER = "Idempotent-Replayed"


class ErrorBody(BaseModel):
    detail: Any
    code: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorBody} for code in (401, 403, *codes)}


def _respond(outcome: Outcome) -> Response:
    """A stored or fresh outcome, as the same bytes every time it is answered."""
    headers = {REPLAY_HEADER: "true"} if outcome.replayed else None
    return Response(
        canonical_json(outcome.body),
        status_code=outcome.status_code,
        media_type="application/json",
        headers=headers,
    )


OptionalId = Annotated[int | None, Query(ge=1, le=INT_MAX)]

tipos = APIRouter(prefix="/tipos-cuenta", tags=["tipos de cuenta"])
router = APIRouter(prefix="/cuentas", tags=["cuentas"])
internal = APIRouter(tags=["ledger (internal)"])


# --- tipos de cuenta -----------------------------------------------------------------------------
@tipos.get("", response_model=list[TipoCuentaPublic], responses=_errors())
async def list_tipos(db: DatabaseDep, _: CanRead) -> list[dict]:
    """The four account types (active and retired)."""
    return await run_in_threadpool(service.list_tipos, db)


@tipos.get("/{tipo_cuenta_id}", response_model=TipoCuentaPublic, responses=_errors(404))
async def get_tipo(
    tipo_cuenta_id: Annotated[int, Path(ge=1, le=INT_MAX)], db: DatabaseDep, _: CanRead
) -> dict:
    return await run_in_threadpool(service.get_tipo, db, tipo_cuenta_id)


# --- cuentas: reads ------------------------------------------------------------------------------
@router.get("", response_model=Page[CuentaPublic], responses=_errors())
async def list_cuentas(
    db: DatabaseDep,
    _: CanRead,
    page: Pagination,
    cliente_id: OptionalId = None,
    estado: EstadoCuenta | None = None,
    moneda: Moneda | None = None,
    tipo_cuenta_id: OptionalId = None,
) -> Page[CuentaPublic]:
    """Accounts in cuenta_id order, optionally filtered; ``next_offset`` is set while more
    follow (no total: it is not cheap on the whole table)."""
    filters = {
        "cliente_id": cliente_id,
        "estado": estado.value if estado else None,
        "moneda": moneda.value if moneda else None,
        "tipo_cuenta_id": tipo_cuenta_id,
    }
    return await run_in_threadpool(service.list_cuentas, db, filters, page)


@router.get("/cliente/{cliente_id}", response_model=Page[CuentaPublic], responses=_errors(404, 503))
async def list_cuentas_of(
    cliente_id: Annotated[int, Path(ge=1, le=INT_MAX)],
    db: DatabaseDep,
    clientes: ClientesDep,
    _: CanRead,
    page: Pagination,
) -> Page[CuentaPublic]:
    """A client's accounts. A client without accounts is looked up in clientes: unknown is
    404 ``cliente_inexistente`` (503 if clientes cannot answer)."""
    result = await run_in_threadpool(service.list_cuentas_of, db, cliente_id, page)
    if result.total == 0 and await clientes.estado(cliente_id) is None:
        raise NotFound(f"client {cliente_id} not found", code="cliente_inexistente")
    return result


@router.get("/numero/{numero_cuenta}", response_model=CuentaPublic, responses=_errors(404))
async def get_by_numero(
    numero_cuenta: Annotated[str, Path(pattern=r"^[0-9]{1,20}$")], db: DatabaseDep, _: CanRead
) -> dict:
    return await run_in_threadpool(service.get_by_numero, db, numero_cuenta)


@router.get("/{cuenta_id}", response_model=CuentaPublic, responses=_errors(404))
async def get_cuenta(cuenta_id: CuentaId, db: DatabaseDep, _: CanRead) -> dict:
    """One account, with its type's name, maintenance cost and interest rate."""
    return await run_in_threadpool(service.get_cuenta, db, cuenta_id)


# GET /cuentas/{id}'s ordinary case, without FastAPI's per-request work (common/fast_read.py),
# its lookup on the event loop (async_reads.py)
_CUENTA_JSON = TypeAdapter(CuentaPublic)


async def _cuenta_json(app: FastAPI, cuenta_id: int) -> bytes | None:
    """get_cuenta's 200 body (validated and serialized as FastAPI does), or None."""
    row = await app.state.reads.fetch_one(queries.CUENTA_BY_ID, cuenta_id=cuenta_id)
    return None if row is None else _CUENTA_JSON.dump_json(_CUENTA_JSON.validate_python(row))


FAST_READS = [FastRead("/cuentas/", Scope.CUENTAS_READ, INT_MAX, _cuenta_json)]


@router.get(
    "/{cuenta_id}/movimientos", response_model=Page[MovimientoPublic], responses=_errors(404)
)
async def list_movimientos(
    cuenta_id: CuentaId, db: DatabaseDep, _: CanRead, page: Pagination
) -> Page[MovimientoPublic]:
    """The account's journal, newest first."""
    return await run_in_threadpool(service.list_movimientos, db, cuenta_id, page)


# --- cuentas: changes ----------------------------------------------------------------------------
@router.post(
    "",
    status_code=201,
    response_model=CuentaPublic,
    responses=_errors(409, 422, 428, 503),
)
async def abrir_cuenta(
    data: CuentaCreate,
    db: DatabaseDep,
    clientes: ClientesDep,
    key: IdempotencyKey,
    _: CanWrite,
) -> Response:
    """Open an account for an active client. Requires an Idempotency-Key: the same key and
    body return the first answer; a positive ``saldo_inicial`` is the APERTURA journal leg."""
    stored = await run_in_threadpool(service.find_creation, db, key, data)
    if stored is not None:
        return _respond(stored)
    await run_in_threadpool(service.check_tipo_usable, db, data.tipo_cuenta_id)
    estado = await clientes.estado(data.cliente_id)
    if estado is None:
        raise Unprocessable(f"client {data.cliente_id} does not exist", code="cliente_inexistente")
    if estado != ESTADO_ACTIVO:
        raise Conflict(f"client {data.cliente_id} is {estado}", code="cliente_inactivo")
    return _respond(await run_in_threadpool(service.abrir_cuenta, db, data, key))


@router.patch(
    "/{cuenta_id}/saldo", response_model=CuentaPublic, responses=_errors(404, 409, 422, 428)
)
async def mover_saldo(
    cuenta_id: CuentaId, data: SaldoUpdate, db: DatabaseDep, key: IdempotencyKey, _: CanWrite
) -> Response:
    """Deposit or withdraw an exact positive amount, atomically and journaled. Requires an
    Idempotency-Key: the same key and body replay the first answer (header
    ``Idempotent-Replayed: true``), including a rejection; the same key with another body
    is 409 ``idempotency_key_reused``."""
    return _respond(await run_in_threadpool(service.mover_saldo, db, cuenta_id, data, key))


@router.patch("/{cuenta_id}/estado", response_model=CuentaPublic, responses=_errors(404, 409))
async def cambiar_estado(
    cuenta_id: CuentaId, data: EstadoUpdate, db: DatabaseDep, _: CanWrite
) -> dict:
    """activa ↔ bloqueada; to cerrada only with saldo 0 (409 ``saldo_no_cero``); cerrada is
    final (409 ``cuenta_cerrada``)."""
    return await run_in_threadpool(service.cambiar_estado, db, cuenta_id, data.estado)


@router.delete("/{cuenta_id}", response_model=CuentaPublic, responses=_errors(404, 409))
async def eliminar(cuenta_id: CuentaId, db: DatabaseDep, _: CanWrite) -> dict:
    """Soft delete: only a closed account (saldo 0) qualifies, and it stays, with its
    journal, as it is; the answer is the account. Any other account is 409."""
    return await run_in_threadpool(service.eliminar, db, cuenta_id)


# --- ledger posting (service to service) ---------------------------------------------------------
@internal.post("/movimientos", response_model=PostingResult, responses=_errors(409, 422))
async def aplicar_movimientos(data: PostingCreate, db: DatabaseDep, _: CanPost) -> Response:
    """Apply every leg of one transaccion_id in one database transaction, all or nothing.
    Sending the same transaccion_id again is a no-op answering the first outcome; with other
    legs it is 409 ``transaccion_conflicto``. A rejected posting writes nothing."""
    body, replayed = await run_in_threadpool(ledger.aplicar, db, data)
    return _respond(Outcome(200, body, replayed))
