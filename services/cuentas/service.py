"""Accounts: reads, opening, state changes and teller deposits/withdrawals.

Every balance change is one MySQL transaction that updates the balance with a conditional
relative UPDATE (it cannot overdraw or touch an account that is not ``activa``), reads the
resulting balance under the row lock it holds, and appends the journal leg, so that
``saldo = Σ movimientos.monto`` for every account at every commit.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from services.common.errors import ApiError, Conflict, NotFound, Unprocessable, error_body
from services.common.idempotency import fingerprint
from services.common.pagination import Page, PageParams
from services.cuentas import queries
from services.cuentas.db import Database, as_db_timestamp, utcnow
from services.cuentas.idempotency import Outcome, lookup, run_once, transaccion_id_for
from services.cuentas.models import MAX_SALDO, cuentas, movimientos
from services.cuentas.numbering import numero_cuenta
from services.cuentas.schemas import (
    CuentaCreate,
    CuentaPublic,
    EstadoCuenta,
    MovimientoPublic,
    Operacion,
    SaldoUpdate,
    TipoMovimiento,
)

c = cuentas.c


def public(row: dict[str, Any]) -> dict[str, Any]:
    return CuentaPublic.model_validate(row).model_dump(mode="json")


def cuenta_not_found(cuenta_id: int) -> NotFound:
    return NotFound(f"account {cuenta_id} not found", code="cuenta_inexistente")


# --- tipos de cuenta --------------------------------------------------------------------------
def list_tipos(db: Database) -> list[dict]:
    return db.fetch(queries.TIPOS)


def _tipo(db: Database, tipo_cuenta_id: int) -> dict | None:
    rows = db.fetch(queries.TIPO_BY_ID, tipo_cuenta_id=tipo_cuenta_id)
    return rows[0] if rows else None


def get_tipo(db: Database, tipo_cuenta_id: int) -> dict:
    tipo = _tipo(db, tipo_cuenta_id)
    if tipo is None:
        raise NotFound(f"account type {tipo_cuenta_id} not found", code="tipo_cuenta_inexistente")
    return tipo


# --- reads ------------------------------------------------------------------------------------
def get_cuenta(db: Database, cuenta_id: int) -> dict:
    rows = db.fetch(queries.CUENTA_BY_ID, cuenta_id=cuenta_id)
    if not rows:
        raise cuenta_not_found(cuenta_id)
    return rows[0]


def get_by_numero(db: Database, numero: str) -> dict:
    rows = db.fetch(queries.CUENTA_BY_NUMERO, numero_cuenta=numero)
    if not rows:
        raise NotFound(f"account number {numero} not found", code="cuenta_inexistente")
    return rows[0]


def list_cuentas(db: Database, filters: dict[str, Any], page: PageParams) -> Page[CuentaPublic]:
    """No total: counting a large filtered table on every page is not cheap; ``next_offset``
    (from fetching one extra row) says whether more follow."""
    statement, params = queries.cuentas_page(filters, page.limit + 1, page.offset)
    return Page[CuentaPublic].build(db.fetch(statement, **params), page)


def list_cuentas_of(db: Database, cliente_id: int, page: PageParams) -> Page[CuentaPublic]:
    """One client's accounts with their total (a client has a handful)."""
    statement, params = queries.cuentas_page({"cliente_id": cliente_id}, page.limit, page.offset)
    total = db.fetch(queries.COUNT_OF_CLIENTE, cliente_id=cliente_id)[0]["total"]
    return Page[CuentaPublic].build(db.fetch(statement, **params), page, total=total)


def list_movimientos(db: Database, cuenta_id: int, page: PageParams) -> Page[MovimientoPublic]:
    """The journal (newest first, on the (cuenta_id, movimiento_id) index)."""
    rows = db.fetch(
        queries.MOVIMIENTOS_PAGE,
        cuenta_id=cuenta_id,
        page_limit=page.limit + 1,
        page_offset=page.offset,
    )
    if not rows and not db.fetch(queries.CUENTA_EXISTS, cuenta_id=cuenta_id):
        raise cuenta_not_found(cuenta_id)
    return Page[MovimientoPublic].build(rows, page)


# --- opening ----------------------------------------------------------------------------------
def check_tipo_usable(db: Database, tipo_cuenta_id: int) -> None:
    tipo = _tipo(db, tipo_cuenta_id)
    if tipo is None:
        raise Unprocessable(
            f"account type {tipo_cuenta_id} does not exist", code="tipo_cuenta_inexistente"
        )
    if tipo["estado"] != "activo":
        raise Unprocessable(
            f"account type {tipo_cuenta_id} is not offered any more", code="tipo_cuenta_inactivo"
        )


def creation_fingerprint(data: CuentaCreate) -> str:
    return fingerprint({"op": "POST /cuentas", "body": data.model_dump(mode="json")})


def find_creation(db: Database, key: str, data: CuentaCreate) -> Outcome | None:
    """A stored answer for this key (replay), before any check that may have changed since."""
    return db.read(lambda conn: lookup(conn, key, creation_fingerprint(data)))


def abrir_cuenta(db: Database, data: CuentaCreate, key: str) -> Outcome:
    """Open an account (the type and the client were checked by the caller). A positive
    opening balance is the account's APERTURA journal leg. Only the opening is stored under
    the key: the checks before it write nothing, so a rejected request can be corrected and
    sent again with the same key."""

    def work(conn: Connection) -> Outcome:
        now = as_db_timestamp(utcnow())
        placeholder = "P" + uuid.uuid4().hex[:19]  # unique until the real number replaces it
        cuenta_id = conn.execute(
            insert(cuentas).values(
                cliente_id=data.cliente_id,
                tipo_cuenta_id=data.tipo_cuenta_id,
                numero_cuenta=placeholder,
                saldo=data.saldo_inicial,
                moneda=data.moneda.value,
                estado=EstadoCuenta.ACTIVA.value,
                fecha_apertura=now,
            )
        ).inserted_primary_key[0]
        conn.execute(
            update(cuentas)
            .where(c.cuenta_id == cuenta_id)
            .values(numero_cuenta=numero_cuenta(cuenta_id))
        )
        if data.saldo_inicial > 0:
            conn.execute(
                insert(movimientos).values(
                    cuenta_id=cuenta_id,
                    transaccion_id=f"APERTURA-{cuenta_id}",
                    tipo=TipoMovimiento.APERTURA.value,
                    monto=data.saldo_inicial,
                    saldo_resultante=data.saldo_inicial,
                    moneda=data.moneda.value,
                    created_at=now,
                    updated_at=now,
                )
            )
        row = queries.one(conn, queries.CUENTA_BY_ID, cuenta_id=cuenta_id)
        return Outcome(201, public(row))

    return run_once(db, key, creation_fingerprint(data), work)


# --- teller deposits and withdrawals -------------------------------------------------------------
def _rejection(exc: ApiError) -> Outcome:
    return Outcome(exc.status_code, error_body(exc.detail, exc.code))


def mover_saldo(db: Database, cuenta_id: int, data: SaldoUpdate, key: str) -> Outcome:
    """Deposit or withdraw under an Idempotency-Key. The outcome decided against the account
    (applied, or rejected: unknown account, account not activa, insufficient funds) is stored
    with the key in the same transaction and replayed for the same request."""
    monto = data.monto if data.operacion is Operacion.DEPOSITO else -data.monto
    tipo = (
        TipoMovimiento.DEPOSITO if data.operacion is Operacion.DEPOSITO else TipoMovimiento.RETIRO
    )
    request_fingerprint = fingerprint(
        {"op": "PATCH /cuentas/{id}/saldo", "cuenta_id": cuenta_id, **data.model_dump(mode="json")}
    )

    def work(conn: Connection) -> Outcome:
        changed = conn.execute(
            update(cuentas)
            .where(
                c.cuenta_id == cuenta_id,
                c.estado == EstadoCuenta.ACTIVA.value,
                c.saldo + monto >= 0,
                c.saldo + monto <= MAX_SALDO,
            )
            .values(saldo=c.saldo + monto, version=c.version + 1)
        ).rowcount
        if not changed:
            return _rejection(_why_not(conn, cuenta_id, monto))
        row = queries.one(conn, queries.CUENTA_BY_ID, cuenta_id=cuenta_id)  # under our row lock
        now = as_db_timestamp(utcnow())
        conn.execute(
            insert(movimientos).values(
                cuenta_id=cuenta_id,
                transaccion_id=transaccion_id_for(key),
                tipo=tipo.value,
                monto=monto,
                saldo_resultante=row["saldo"],
                moneda=row["moneda"],
                created_at=now,
                updated_at=now,
            )
        )
        return Outcome(200, public(row))

    return run_once(db, key, request_fingerprint, work)


def _why_not(conn: Connection, cuenta_id: int, monto: Decimal) -> ApiError:
    row = conn.execute(select(c.estado, c.saldo).where(c.cuenta_id == cuenta_id)).first()
    if row is None:
        return cuenta_not_found(cuenta_id)
    if row.estado != EstadoCuenta.ACTIVA.value:
        return Conflict(f"account {cuenta_id} is {row.estado}", code="cuenta_no_activa")
    if row.saldo + monto < 0:
        return Conflict(f"insufficient funds in account {cuenta_id}", code="saldo_insuficiente")
    return Unprocessable(
        f"the balance of account {cuenta_id} would exceed {MAX_SALDO}", code="saldo_excede_maximo"
    )


# --- state machine --------------------------------------------------------------------------------
_ALLOWED = {
    EstadoCuenta.ACTIVA: {EstadoCuenta.BLOQUEADA, EstadoCuenta.CERRADA},
    EstadoCuenta.BLOQUEADA: {EstadoCuenta.ACTIVA, EstadoCuenta.CERRADA},
    EstadoCuenta.CERRADA: set(),
}


def cambiar_estado(db: Database, cuenta_id: int, nuevo: EstadoCuenta) -> dict:
    """activa ↔ bloqueada; activa | bloqueada → cerrada only at saldo 0; cerrada is final.
    Asking for the state the account is already in is a no-op (so a retry is harmless)."""

    def work(conn: Connection) -> dict:
        row = conn.execute(
            select(c.estado, c.saldo).where(c.cuenta_id == cuenta_id).with_for_update()
        ).first()
        if row is None:
            raise cuenta_not_found(cuenta_id)
        actual = EstadoCuenta(row.estado)
        if actual is not nuevo:
            if actual is EstadoCuenta.CERRADA:
                raise Conflict(f"account {cuenta_id} is closed for good", code="cuenta_cerrada")
            if nuevo is EstadoCuenta.CERRADA and row.saldo != 0:
                raise Conflict(
                    f"account {cuenta_id} still holds {row.saldo}; it must be 0 to close",
                    code="saldo_no_cero",
                )
            assert nuevo in _ALLOWED[actual]
            conn.execute(update(cuentas).where(c.cuenta_id == cuenta_id).values(estado=nuevo.value))
        return queries.one(conn, queries.CUENTA_BY_ID, cuenta_id=cuenta_id)

    return db.transaction(work)


def eliminar(db: Database, cuenta_id: int) -> dict:
    """DELETE is a soft delete that keeps the row: an account's journal refers to it and the
    bank keeps both. Only a closed account (hence at saldo 0) qualifies; the answer is the
    account, unchanged. Anything else is 409 and changes nothing."""
    row = get_cuenta(db, cuenta_id)
    if row["estado"] != EstadoCuenta.CERRADA.value:
        code = "saldo_no_cero" if row["saldo"] != 0 else "cuenta_no_cerrada"
        raise Conflict(
            f"account {cuenta_id} is {row['estado']} with saldo {row['saldo']}; only a closed "
            "account with saldo 0 can be deleted (close it with PATCH /cuentas/{id}/estado)",
            code=code,
        )
    return row
