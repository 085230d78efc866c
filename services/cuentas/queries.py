"""The read statements of cuentas, built once (SQLAlchemy caches their compiled form)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select

from services.cuentas.models import cuentas, movimientos, tipos_cuenta

c, t, m = cuentas.c, tipos_cuenta.c, movimientos.c

CUENTA_COLUMNS = (
    c.cuenta_id,
    c.cliente_id,
    c.tipo_cuenta_id,
    t.nombre.label("tipo_cuenta_nombre"),
    t.costo_mantenimiento,
    t.tasa_interes,
    c.numero_cuenta,
    c.saldo,
    c.moneda,
    c.estado,
    c.version,
    c.fecha_apertura,
    c.updated_at,
)
CUENTAS = select(*CUENTA_COLUMNS).select_from(cuentas.join(tipos_cuenta))
CUENTA_BY_ID = CUENTAS.where(c.cuenta_id == bindparam("cuenta_id"))
CUENTA_BY_NUMERO = CUENTAS.where(c.numero_cuenta == bindparam("numero_cuenta"))

TIPOS = select(tipos_cuenta).order_by(t.tipo_cuenta_id)
TIPO_BY_ID = select(tipos_cuenta).where(t.tipo_cuenta_id == bindparam("tipo_cuenta_id"))

MOVIMIENTO_COLUMNS = (
    m.movimiento_id,
    m.cuenta_id,
    m.transaccion_id,
    m.tipo,
    m.monto,
    m.saldo_resultante,
    m.moneda,
    m.created_at,
)


def one(conn: Connection, statement: Select, **params: Any) -> dict | None:
    row = conn.execute(statement, params).mappings().first()
    return dict(row) if row is not None else None


def many(conn: Connection, statement: Select, **params: Any) -> list[dict]:
    return [dict(row) for row in conn.execute(statement, params).mappings()]


def cuentas_page(filters: dict[str, Any], limit: int, offset: int) -> Select:
    """Accounts matching ``filters`` (column = value), in cuenta_id order; each filter has an
    index whose entries also carry cuenta_id, so no sort is needed."""
    statement = CUENTAS
    for column, value in filters.items():
        if value is not None:
            statement = statement.where(c[column] == value)
    return statement.order_by(c.cuenta_id).limit(limit).offset(offset)


def count_cuentas_of(cliente_id: int) -> Select:
    return select(func.count()).select_from(cuentas).where(c.cliente_id == cliente_id)


def movimientos_page(cuenta_id: int, limit: int, offset: int) -> Select:
    """The journal of one account, newest first (index on (cuenta_id, movimiento_id))."""
    return (
        select(*MOVIMIENTO_COLUMNS)
        .where(m.cuenta_id == cuenta_id)
        .order_by(m.movimiento_id.desc())
        .limit(limit)
        .offset(offset)
    )
