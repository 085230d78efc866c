"""The read statements of cuentas, built once with named bind parameters (``Database.fetch``
compiles each to SQL text once; SQLAlchemy Connections cache their compiled form)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Integer, Select, bindparam, func, select

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

MOVIMIENTOS_PAGE = (
    select(
        m.movimiento_id,
        m.cuenta_id,
        m.transaccion_id,
        m.tipo,
        m.monto,
        m.saldo_resultante,
        m.moneda,
        m.created_at,
    )
    .where(m.cuenta_id == bindparam("cuenta_id"))
    .order_by(m.movimiento_id.desc())
    .limit(bindparam("page_limit", type_=Integer))
    .offset(bindparam("page_offset", type_=Integer))
)
COUNT_OF_CLIENTE = (
    select(func.count().label("total"))
    .select_from(cuentas)
    .where(c.cliente_id == bindparam("cliente_id"))
)
CUENTA_EXISTS = select(c.cuenta_id).where(c.cuenta_id == bindparam("cuenta_id"))


def one(conn: Connection, statement: Select, **params: Any) -> dict | None:
    row = conn.execute(statement, params).mappings().first()
    return dict(row) if row is not None else None


@lru_cache(maxsize=32)
def _cuentas_page(filter_columns: tuple[str, ...]) -> Select:
    page = select(cuentas)
    for column in filter_columns:
        page = page.where(c[column] == bindparam(f"filter_{column}"))
    paged = (
        page.order_by(c.cuenta_id)
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
        .subquery("pagina")
    )
    p = paged.c
    return (
        select(
            p.cuenta_id,
            p.cliente_id,
            p.tipo_cuenta_id,
            t.nombre.label("tipo_cuenta_nombre"),
            t.costo_mantenimiento,
            t.tasa_interes,
            p.numero_cuenta,
            p.saldo,
            p.moneda,
            p.estado,
            p.version,
            p.fecha_apertura,
            p.updated_at,
        )
        .select_from(paged.join(tipos_cuenta, t.tipo_cuenta_id == p.tipo_cuenta_id))
        .order_by(p.cuenta_id)
    )


def cuentas_page(filters: dict[str, Any], limit: int, offset: int) -> tuple[Select, dict]:
    """Accounts matching ``filters`` (column = value; None = no filter), in cuenta_id order,
    as (statement, its values).

    The page is cut from ``cuentas`` alone (a derived table), then joined to its types: each
    filter has an index whose entries also carry cuenta_id, so the page is read in order and
    stops at the limit. (A plain join lets the optimiser start from the 4-row tipos_cuenta
    and sort every account before applying the limit.) One statement per set of filters is
    built and cached; the values are bound."""
    used = tuple(sorted(k for k, v in filters.items() if v is not None))
    params = {f"filter_{k}": filters[k] for k in used}
    return _cuentas_page(used), {"page_limit": limit, "page_offset": offset, **params}
