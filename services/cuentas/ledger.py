"""POST /movimientos: apply the legs of one business transaction atomically.

All legs go in ONE MySQL transaction: the accounts are locked in ascending cuenta_id order
(SELECT … FOR UPDATE, so two postings over the same accounts cannot deadlock each other),
every rule is checked against the locked rows, then the balances are updated and the legs
appended. Any failed rule raises before the first write: a rejected posting writes nothing,
and the caller (transacciones) records the rejection in its own store. A rejection is not
remembered here, so the same transaccion_id sent again is evaluated again.

Replays: the unique key (transaccion_id, cuenta_id) of the journal identifies an applied
posting. The same transaccion_id with the same legs returns the first outcome, rebuilt from
the journal (same body); with different legs it is 409 ``transaccion_conflicto``.

Rules on the legs (422):

| tipo | legs |
|---|---|
| DEPOSITO | exactly one, credit (> 0) |
| RETIRO | exactly one, debit (< 0) |
| TRANSFERENCIA | two or more, summing to 0 |
| PAGO_SERVICIO | one debit, or several summing to 0 (payment to the biller's account) |
| REVERSA | one of either sign, or several summing to 0 |

and no account twice. Against the accounts: each must exist (422 ``cuenta_inexistente``), be
``activa`` (409 ``cuenta_no_activa``) and hold ``moneda`` (422 ``moneda_distinta``); no
balance may go below 0 (409 ``saldo_insuficiente``) or past DECIMAL(15,2) (422).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.errors import Conflict, Unprocessable
from services.cuentas.db import ER_DUP_ENTRY, Database, as_db_timestamp, mysql_errno, utcnow
from services.cuentas.models import MAX_SALDO, cuentas, movimientos
from services.cuentas.schemas import EstadoCuenta, PostingCreate, PostingResult, TipoPosting

c, m = cuentas.c, movimientos.c

_APPLY_LEG = (
    update(cuentas)
    .where(c.cuenta_id == bindparam("leg_cuenta_id"))
    .values(saldo=c.saldo + bindparam("leg_monto"), version=c.version + 1)
)


def check_rules(posting: PostingCreate) -> None:
    """The shape of the legs for the posting's tipo; raises 422 with a code saying what."""
    ids = [leg.cuenta_id for leg in posting.legs]
    if len(set(ids)) != len(ids):
        raise Unprocessable("an account appears in more than one leg", code="cuenta_repetida")
    montos = [leg.monto for leg in posting.legs]
    total = sum(montos, Decimal("0"))
    single = len(montos) == 1
    tipo = posting.tipo
    if tipo in (TipoPosting.DEPOSITO, TipoPosting.RETIRO) and not single:
        raise Unprocessable(f"a {tipo} has exactly one leg", code="legs_invalidos")
    if tipo is TipoPosting.DEPOSITO and montos[0] < 0:
        raise Unprocessable("a DEPOSITO leg is a credit (monto > 0)", code="signo_invalido")
    if tipo is TipoPosting.RETIRO and montos[0] > 0:
        raise Unprocessable("a RETIRO leg is a debit (monto < 0)", code="signo_invalido")
    if tipo is TipoPosting.PAGO_SERVICIO and single and montos[0] > 0:
        raise Unprocessable("a PAGO_SERVICIO leg is a debit (monto < 0)", code="signo_invalido")
    if (tipo is TipoPosting.TRANSFERENCIA or not single) and total != 0:
        raise Unprocessable(
            f"the legs of a {tipo} must sum to 0 (they sum to {total})", code="legs_no_cuadran"
        )


def _same_legs(existing: list[Any], posting: PostingCreate) -> bool:
    applied = {(row.cuenta_id, row.monto) for row in existing}
    asked = {(leg.cuenta_id, leg.monto) for leg in posting.legs}
    return (
        applied == asked
        and len(existing) == len(posting.legs)
        and all(
            row.tipo == posting.tipo.value and row.moneda == posting.moneda.value
            for row in existing
        )
    )


def _applied(conn: Connection, posting: PostingCreate) -> dict | None:
    """The first outcome of this transaccion_id, if it was applied; 409 if it differs."""
    existing = conn.execute(
        select(m.cuenta_id, m.tipo, m.monto, m.saldo_resultante, m.moneda, m.created_at)
        .where(m.transaccion_id == posting.transaccion_id)
        .order_by(m.cuenta_id)
    ).all()
    if not existing:
        return None
    if not _same_legs(existing, posting):
        raise Conflict(
            f"transaccion_id {posting.transaccion_id} was already applied with other legs",
            code="transaccion_conflicto",
        )
    return PostingResult(
        transaccion_id=posting.transaccion_id,
        tipo=posting.tipo,
        moneda=posting.moneda,
        legs=[
            {"cuenta_id": r.cuenta_id, "monto": r.monto, "saldo_resultante": r.saldo_resultante}
            for r in existing
        ],
        aplicada_en=existing[0].created_at,
    ).model_dump(mode="json")


def _check_accounts(locked: dict[int, Any], posting: PostingCreate) -> None:
    for leg in sorted(posting.legs, key=lambda leg: leg.cuenta_id):
        row = locked.get(leg.cuenta_id)
        if row is None:
            raise Unprocessable(
                f"account {leg.cuenta_id} does not exist", code="cuenta_inexistente"
            )
        if row.estado != EstadoCuenta.ACTIVA.value:
            raise Conflict(f"account {leg.cuenta_id} is {row.estado}", code="cuenta_no_activa")
        if row.moneda != posting.moneda.value:
            raise Unprocessable(
                f"account {leg.cuenta_id} holds {row.moneda}, not {posting.moneda}",
                code="moneda_distinta",
            )
        if row.saldo + leg.monto < 0:
            raise Conflict(
                f"insufficient funds in account {leg.cuenta_id}", code="saldo_insuficiente"
            )
        if row.saldo + leg.monto > MAX_SALDO:
            raise Unprocessable(
                f"the balance of account {leg.cuenta_id} would exceed {MAX_SALDO}",
                code="saldo_excede_maximo",
            )


def _apply(conn: Connection, posting: PostingCreate) -> tuple[dict, bool]:
    done = _applied(conn, posting)
    if done is not None:
        return done, True
    legs = sorted(posting.legs, key=lambda leg: leg.cuenta_id)
    ids = [leg.cuenta_id for leg in legs]
    locked = {
        row.cuenta_id: row
        for row in conn.execute(
            select(c.cuenta_id, c.estado, c.moneda, c.saldo)
            .where(c.cuenta_id.in_(ids))
            .order_by(c.cuenta_id)
            .with_for_update()
        )
    }
    # a concurrent replay may have committed while we waited for the locks
    done = _applied(conn, posting)
    if done is not None:
        return done, True
    _check_accounts(locked, posting)
    conn.execute(
        _APPLY_LEG, [{"leg_cuenta_id": leg.cuenta_id, "leg_monto": leg.monto} for leg in legs]
    )
    now = utcnow()
    result_legs = [
        {
            "cuenta_id": leg.cuenta_id,
            "monto": leg.monto,
            "saldo_resultante": locked[leg.cuenta_id].saldo + leg.monto,
        }
        for leg in legs
    ]
    conn.execute(
        insert(movimientos),
        [
            {
                "cuenta_id": leg["cuenta_id"],
                "transaccion_id": posting.transaccion_id,
                "tipo": posting.tipo.value,
                "monto": leg["monto"],
                "saldo_resultante": leg["saldo_resultante"],
                "moneda": posting.moneda.value,
                "created_at": as_db_timestamp(now),
                "updated_at": as_db_timestamp(now),
            }
            for leg in result_legs
        ],
    )
    result = PostingResult(
        transaccion_id=posting.transaccion_id,
        tipo=posting.tipo,
        moneda=posting.moneda,
        legs=result_legs,
        aplicada_en=now,
    )
    return result.model_dump(mode="json"), False


def aplicar(db: Database, posting: PostingCreate) -> tuple[dict, bool]:
    """(outcome, replayed). Raises 409/422 ApiErrors for rejections (nothing written)."""
    check_rules(posting)
    try:
        return db.transaction(lambda conn: _apply(conn, posting))
    except IntegrityError as exc:
        # the same transaccion_id committed by a concurrent request over other accounts:
        # evaluate again, now as a replay (or a conflict)
        if mysql_errno(exc) != ER_DUP_ENTRY:
            raise
        return db.transaction(lambda conn: _apply(conn, posting))
