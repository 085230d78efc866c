"""The clientes use cases that change data (reads are in queries.py), with database errors
turned into API errors.

Uniqueness (e-mail, document number) is left to the database's unique indexes and mapped to
409s here, so two concurrent requests can never both win (no check-then-insert).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from psycopg import errors as pg_errors
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from services.clientes import queries
from services.clientes.cuentas import CuentasGateway
from services.clientes.db import Database
from services.clientes.models import UQ_EMAIL, UQ_NUMERO_DOCUMENTO, Cliente, DocumentoIdentidad
from services.clientes.schemas import ClienteCreate, DocumentoCreate
from services.clientes.validation import EstadoCliente
from services.common.errors import ApiError, Conflict, NotFound, Unavailable, Unprocessable


def _plain(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


def database_error(exc: DBAPIError) -> ApiError:
    """The API error for a write the database refused (never a 500 for bad data)."""
    orig = exc.orig
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    if isinstance(orig, pg_errors.UniqueViolation):
        if constraint == UQ_EMAIL:
            return Conflict(
                "email: this e-mail address is already registered", code="duplicate_email"
            )
        if constraint == UQ_NUMERO_DOCUMENTO:
            return Conflict(
                "numero_documento: this document number is already registered",
                code="duplicate_documento",
            )
        return Conflict("the change conflicts with existing data", code="conflict")
    if isinstance(orig, pg_errors.ForeignKeyViolation):
        return NotFound("the cliente does not exist", code="cliente_not_found")
    if isinstance(orig, pg_errors.IntegrityError | pg_errors.DataError):
        # The request schemas are stricter than the database, so this means a gap in them.
        return Unprocessable(
            f"the database rejected the values (rule: {constraint or 'data type'})",
            code="constraint_violation",
        )
    if isinstance(orig, pg_errors.OperationalError):
        return Unavailable("the database is unavailable; try again later", code="db_unavailable")
    raise exc


async def _commit(session: AsyncSession) -> None:
    try:
        await session.commit()
    except DBAPIError as exc:
        await session.rollback()
        raise database_error(exc) from exc


def _documento(data: DocumentoCreate, **extra: object) -> DocumentoIdentidad:
    return DocumentoIdentidad(
        **{name: _plain(value) for name, value in data.model_dump().items()}, **extra
    )


async def create_cliente(db: Database, data: ClienteCreate) -> Cliente:
    """The client and its document in one transaction."""
    fields = {k: _plain(v) for k, v in data.model_dump(exclude={"documento"}).items()}
    async with db.writing() as session:
        cliente = Cliente(**fields)
        cliente.documentos = [_documento(data.documento)]
        session.add(cliente)
        await _commit(session)
        return cliente


async def add_documento(db: Database, cliente_id: int, data: DocumentoCreate) -> DocumentoIdentidad:
    async with db.writing() as session:
        exists = await session.scalar(
            select(Cliente.cliente_id).where(Cliente.cliente_id == cliente_id)
        )
        if exists is None:
            raise queries.cliente_not_found(cliente_id)
        documento = _documento(data, cliente_id=cliente_id)
        session.add(documento)
        await _commit(session)
        return documento


async def ensure_no_open_accounts(cuentas: CuentasGateway, cliente_id: int) -> None:
    open_accounts = await cuentas.open_accounts(cliente_id)
    if open_accounts:
        raise Conflict(
            f"the cliente has {len(open_accounts)} account(s) that are not closed; close them "
            "first",
            code="cliente_con_cuentas",
        )


async def update_cliente(
    db: Database, cuentas: CuentasGateway, cliente_id: int, changes: Mapping[str, object]
) -> Cliente:
    """Apply ``changes`` (already validated) to the client, in one transaction.

    Deactivating a client (estado → inactivo, also through DELETE) is refused while cuentas
    reports accounts that are not closed; if cuentas cannot answer, nothing changes (503).
    Values equal to the stored ones change nothing (``updated_at`` included).
    """
    changes = {name: _plain(value) for name, value in changes.items()}
    if changes.get("estado") == EstadoCliente.INACTIVO.value:
        current = await queries.get_cliente(db, cliente_id)
        if current["estado"] != EstadoCliente.INACTIVO.value:
            await ensure_no_open_accounts(cuentas, cliente_id)
    async with db.writing() as session:
        cliente = await session.scalar(
            select(Cliente)
            .where(Cliente.cliente_id == cliente_id)
            .with_for_update()
            .options(selectinload(Cliente.documentos))
        )
        if cliente is None:
            raise queries.cliente_not_found(cliente_id)
        for name, value in changes.items():
            setattr(cliente, name, value)
        await _commit(session)
        return cliente


async def deactivate_cliente(db: Database, cuentas: CuentasGateway, cliente_id: int) -> Cliente:
    """DELETE: clients are never removed, only marked inactive."""
    return await update_cliente(db, cuentas, cliente_id, {"estado": EstadoCliente.INACTIVO})
