"""HTTP endpoints of transacciones. Reads need ``transacciones:read``, writes
``transacciones:write``. Transactions are never edited or deleted: PATCH, PUT and DELETE on a
transaction answer 405; a mistake is undone with a reversal."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Response

from services.common.auth import Scope, require
from services.common.errors import Unprocessable
from services.common.idempotency import idempotency_key
from services.common.money import Moneda
from services.common.pagination import Page, Pagination
from services.transacciones.deps import Service
from services.transacciones.models import Estado, Tipo
from services.transacciones.schemas import (
    INT32_MAX,
    ErrorOut,
    ReversaCreate,
    TransaccionCreate,
    TransaccionPublic,
)
from services.transacciones.service import MAX_CUENTA_IDS, Result

router = APIRouter(prefix="/transacciones", tags=["transacciones"])

READ = [Depends(require(Scope.TRANSACCIONES_READ))]
WRITE = [Depends(require(Scope.TRANSACCIONES_WRITE))]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]
TransaccionId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=r"^[0-9A-Za-z_-]+$",
        examples=["01J9Z3Q4B5C6D7E8F9G0H1J2K3"],
    ),
]
CuentaIdPath = Annotated[int, Path(ge=1, le=INT32_MAX)]

_ERRORS = {
    401: {"model": ErrorOut, "description": "no or invalid bearer token"},
    403: {"model": ErrorOut, "description": "the token lacks the scope"},
    422: {"model": ErrorOut, "description": "invalid input"},
}
_WRITE_ERRORS = {
    **_ERRORS,
    409: {
        "model": ErrorOut,
        "description": "`idempotency_key_reused` (same key, different request); for a reversal "
        "also `no_reversible` and `ya_revertida`",
    },
    428: {"model": ErrorOut, "description": "the Idempotency-Key header is missing"},
}
_POST_DOC = """Which accounts the body names depends on `tipo`: DEPOSITO only `cuenta_destino_id`;
RETIRO and PAGO_SERVICIO only `cuenta_origen_id`; TRANSFERENCIA both, different. Any field not
in the schema is rejected with 422, including the ones the server sets (`transaccion_id`,
`estado`, `fecha`, `id`).

The answer is the transaction as stored:

- **201** with `estado` COMPLETADA (the legs are in the cuentas journal) or RECHAZADA (cuentas
  refused it and nothing was written; `motivo` says why, e.g. `saldo_insuficiente`,
  `cuenta_no_activa`, `moneda_distinta`, `cuenta_inexistente`);
- **202** with `estado` PENDIENTE when cuentas could not be reached or did not answer in time:
  the transaction is recorded and the recovery pass finishes it within seconds; poll
  `GET /transacciones/{transaccion_id}` (the `Location` header) or repeat the request.

Repeating a request with the same `Idempotency-Key` and the same body returns the same
transaction (header `Idempotent-Replayed: true`), in its current state; the same key with a
different body is 409 `idempotency_key_reused`."""


def _parse(enum_cls: type[enum.StrEnum], value: str | None, name: str):
    """Enum values case-insensitively; 422 listing the valid ones otherwise."""
    if value is None:
        return None
    try:
        return enum_cls(value.strip().upper())
    except ValueError:
        valid = ", ".join(e.value for e in enum_cls)
        raise Unprocessable(
            f"unknown {name} {value!r}; one of: {valid}", code="validation_error"
        ) from None


def _enum_schema(enum_cls: type[enum.StrEnum]) -> dict:
    return {"enum": [e.value for e in enum_cls], "description": "case-insensitive"}


def _page(docs: list[dict], page: Pagination) -> Page[TransaccionPublic]:
    return Page[TransaccionPublic].build([TransaccionPublic.model_validate(d) for d in docs], page)


def _answer(result: Result, response: Response) -> TransaccionPublic:
    doc = result.doc
    response.status_code = 202 if doc["estado"] == Estado.PENDIENTE.value else 201
    response.headers["Location"] = f"/transacciones/{doc['transaccion_id']}"
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return TransaccionPublic.model_validate(doc)


@router.get(
    "",
    dependencies=READ,
    responses=_ERRORS,
    summary="List transactions, newest first, with filters",
)
async def list_transacciones(
    service: Service,
    page: Pagination,
    tipo: Annotated[str | None, Query(json_schema_extra=_enum_schema(Tipo))] = None,
    estado: Annotated[str | None, Query(json_schema_extra=_enum_schema(Estado))] = None,
    moneda: Annotated[str | None, Query(json_schema_extra=_enum_schema(Moneda))] = None,
    desde: Annotated[
        datetime | None, Query(description="from this instant on, inclusive (UTC if no zone)")
    ] = None,
    hasta: Annotated[
        datetime | None, Query(description="before this instant, exclusive (UTC if no zone)")
    ] = None,
    cuenta_id: Annotated[
        list[Annotated[int, Query(ge=1, le=INT32_MAX)]] | None,
        Query(
            max_length=MAX_CUENTA_IDS,
            description="transactions of these accounts (as origin or destination); repeat "
            f"the parameter for several, at most {MAX_CUENTA_IDS}",
        ),
    ] = None,
) -> Page[TransaccionPublic]:
    docs = await service.list(
        page,
        tipo=_parse(Tipo, tipo, "tipo"),
        estado=_parse(Estado, estado, "estado"),
        moneda=_parse(Moneda, moneda, "moneda"),
        desde=desde,
        hasta=hasta,
        cuenta_ids=cuenta_id,
    )
    return _page(docs, page)


@router.post(
    "",
    dependencies=WRITE,
    status_code=201,
    responses={**_WRITE_ERRORS, 202: {"model": TransaccionPublic, "description": "PENDIENTE"}},
    summary="Create a transaction and post it to the accounts",
    description=_POST_DOC,
)
async def create_transaccion(
    body: TransaccionCreate, key: IdempotencyKey, service: Service, response: Response
) -> TransaccionPublic:
    return _answer(await service.create(body, key), response)


@router.get(
    "/cuenta/{cuenta_id}",
    dependencies=READ,
    responses=_ERRORS,
    summary="Transactions of an account (as origin or destination), newest first",
)
async def by_cuenta(
    cuenta_id: CuentaIdPath, service: Service, page: Pagination
) -> Page[TransaccionPublic]:
    return _page(await service.list(page, cuenta_ids=[cuenta_id]), page)


@router.get("/tipo/{tipo}", dependencies=READ, responses=_ERRORS, summary="Transactions of a tipo")
async def by_tipo(
    tipo: Annotated[str, Path(json_schema_extra=_enum_schema(Tipo))],
    service: Service,
    page: Pagination,
) -> Page[TransaccionPublic]:
    return _page(await service.list(page, tipo=_parse(Tipo, tipo, "tipo")), page)


@router.get(
    "/estado/{estado}", dependencies=READ, responses=_ERRORS, summary="Transactions in an estado"
)
async def by_estado(
    estado: Annotated[str, Path(json_schema_extra=_enum_schema(Estado))],
    service: Service,
    page: Pagination,
) -> Page[TransaccionPublic]:
    return _page(await service.list(page, estado=_parse(Estado, estado, "estado")), page)


@router.get(
    "/{transaccion_id}",
    dependencies=READ,
    responses={**_ERRORS, 404: {"model": ErrorOut, "description": "no such transaction"}},
    summary="One transaction",
)
async def get_transaccion(transaccion_id: TransaccionId, service: Service) -> TransaccionPublic:
    return TransaccionPublic.model_validate(await service.get(transaccion_id))


@router.post(
    "/{transaccion_id}/reversa",
    dependencies=WRITE,
    status_code=201,
    responses={
        **_WRITE_ERRORS,
        202: {"model": TransaccionPublic, "description": "PENDIENTE"},
        404: {"model": ErrorOut, "description": "no such transaction"},
    },
    summary="Reverse a COMPLETADA transaction with a compensating one",
    description="Creates a new transaction of tipo REVERSA that moves the same amount back "
    "(origin and destination swapped; a deposit's reversal debits the account it credited), "
    "linked by `reversa_de`; the original stays as it is. Only a COMPLETADA transaction can be "
    "reversed (409 `no_reversible`), and only once (409 `ya_revertida`; a reversal that cuentas "
    "rejected does not count). Answers as `POST /transacciones`.",
)
async def reverse_transaccion(
    transaccion_id: TransaccionId,
    key: IdempotencyKey,
    service: Service,
    response: Response,
    body: Annotated[ReversaCreate | None, Body()] = None,
) -> TransaccionPublic:
    result = await service.reverse(transaccion_id, body or ReversaCreate(), key)
    return _answer(result, response)
