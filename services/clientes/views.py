"""HTTP routes of clientes. Reads need ``clientes:read``, writes ``clientes:write``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Query
from pydantic import TypeAdapter

from services.clientes import queries, service
from services.clientes.deps import PG_INT_MAX, ClienteId, Cuentas, Db
from services.clientes.schemas import (
    ClienteCreate,
    ClientePublic,
    ClienteReplace,
    ClienteUpdate,
    DocumentoCreate,
    DocumentoPublic,
)
from services.clientes.validation import EMAIL_MAX, NUMERO_MAX, EstadoCliente
from services.common.auth import Scope, require
from services.common.fast_read import FastRead
from services.common.pagination import Page, Pagination

router = APIRouter(prefix="/clientes", tags=["clientes"])

READ = [Depends(require(Scope.CLIENTES_READ))]
WRITE = [Depends(require(Scope.CLIENTES_WRITE))]

# shared error documentation (the body is always {"detail", "code"})
_ERR = {"description": "error", "content": {"application/json": {}}}
R_AUTH = {401: _ERR, 403: _ERR}
R_404 = {404: _ERR}
R_409 = {409: _ERR}
R_503 = {503: _ERR}

_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


def _public(cliente) -> ClientePublic:
    return ClientePublic.model_validate(cliente)


@router.get("", dependencies=READ, responses=R_AUTH, summary="List clients (paginated)")
async def list_clientes(
    db: Db,
    page: Pagination,
    estado: Annotated[EstadoCliente | None, Query(description="only this estado")] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            pattern=_PRINTABLE,
            description="substring of nombre, apellido or e-mail (any case), or a whole "
            "document number",
        ),
    ] = None,
) -> Page[ClientePublic]:
    q = q.strip() if q else None
    rows, total = await queries.list_clientes(db, page, estado=estado, q=q or None)
    return Page[ClientePublic].build([_public(c) for c in rows], page, total)


@router.post(
    "",
    status_code=201,
    dependencies=WRITE,
    responses={**R_AUTH, **R_409},
    summary="Create a client with its identity document (one transaction)",
)
async def create_cliente(body: ClienteCreate, db: Db) -> ClientePublic:
    return _public(await service.create_cliente(db, body))


@router.get(
    "/email/{email:path}",
    dependencies=READ,
    responses={**R_AUTH, **R_404},
    summary="Find a client by e-mail (case-insensitive)",
)
async def get_by_email(
    db: Db,
    email: Annotated[str, Path(min_length=1, max_length=EMAIL_MAX, pattern=_PRINTABLE)],
) -> ClientePublic:
    return _public(await queries.get_by_email(db, email))


@router.get(
    "/documento/{numero}",
    dependencies=READ,
    responses={**R_AUTH, **R_404},
    summary="Find a client by document number",
)
async def get_by_documento(
    db: Db,
    numero: Annotated[str, Path(min_length=1, max_length=NUMERO_MAX, pattern=_PRINTABLE)],
) -> ClientePublic:
    return _public(await queries.get_by_documento(db, numero))


@router.get(
    "/{cliente_id}", dependencies=READ, responses={**R_AUTH, **R_404}, summary="Get a client"
)
async def get_cliente(db: Db, cliente_id: ClienteId) -> ClientePublic:
    return _public(await queries.get_cliente(db, cliente_id))


_CLIENTE_JSON = TypeAdapter(ClientePublic)


async def _cliente_json(app: FastAPI, cliente_id: int) -> bytes | None:
    """get_cliente's 200 body (serialized as FastAPI does), or None when there is no row."""
    row = await queries.find_cliente(app.state.db, cliente_id)
    return None if row is None else _CLIENTE_JSON.dump_json(_public(row))


# GET /clientes/{id}'s ordinary case, without FastAPI's per-request work (common/fast_read.py)
FAST_READS = [FastRead("/clientes/", Scope.CLIENTES_READ, PG_INT_MAX, _cliente_json)]


@router.put(
    "/{cliente_id}",
    dependencies=WRITE,
    responses={**R_AUTH, **R_404, **R_409, **R_503},
    summary="Replace a client's editable fields (all required)",
)
async def replace_cliente(
    cliente_id: ClienteId, body: ClienteReplace, db: Db, cuentas: Cuentas
) -> ClientePublic:
    return _public(await service.update_cliente(db, cuentas, cliente_id, body.model_dump()))


@router.patch(
    "/{cliente_id}",
    dependencies=WRITE,
    responses={**R_AUTH, **R_404, **R_409, **R_503},
    summary="Change some of a client's fields",
)
async def update_cliente(
    cliente_id: ClienteId, body: ClienteUpdate, db: Db, cuentas: Cuentas
) -> ClientePublic:
    return _public(await service.update_cliente(db, cuentas, cliente_id, body.changes()))


@router.delete(
    "/{cliente_id}",
    dependencies=WRITE,
    responses={**R_AUTH, **R_404, **R_409, **R_503},
    summary="Deactivate a client (never a hard delete); 409 while it has open accounts",
)
async def delete_cliente(cliente_id: ClienteId, db: Db, cuentas: Cuentas) -> ClientePublic:
    return _public(await service.deactivate_cliente(db, cuentas, cliente_id))


@router.get(
    "/{cliente_id}/documentos",
    dependencies=READ,
    responses={**R_AUTH, **R_404},
    summary="A client's identity documents (paginated)",
)
async def list_documentos(db: Db, cliente_id: ClienteId, page: Pagination) -> Page[DocumentoPublic]:
    rows, total = await queries.list_documentos(db, cliente_id, page)
    return Page[DocumentoPublic].build(
        [DocumentoPublic.model_validate(d) for d in rows], page, total
    )


@router.post(
    "/{cliente_id}/documentos",
    status_code=201,
    dependencies=WRITE,
    responses={**R_AUTH, **R_404, **R_409},
    summary="Add an identity document to a client",
)
async def add_documento(cliente_id: ClienteId, body: DocumentoCreate, db: Db) -> DocumentoPublic:
    return DocumentoPublic.model_validate(await service.add_documento(db, cliente_id, body))
