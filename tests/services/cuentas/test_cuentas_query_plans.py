"""Every list query of cuentas is served by an index, in order, without sorting the table."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import mysql

from services.cuentas import queries


def explain(sql, statement) -> list[dict]:
    text = str(statement.compile(dialect=mysql.dialect(), compile_kwargs={"literal_binds": True}))
    with sql.cursor() as cur:
        cur.execute("EXPLAIN " + text)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.fixture(scope="module")
def filled(sql, cuentas_stack):
    """Enough accounts for the optimiser to care (plans differ on near-empty tables)."""
    with sql.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM cuentas")
        missing = 5000 - cur.fetchone()[0]
        if missing > 0:
            cur.execute(
                "INSERT INTO cuentas (cliente_id, tipo_cuenta_id, numero_cuenta, saldo, moneda, estado) "
                "SELECT 850000000 + seq, 1 + seq % 4, CONCAT('Q', LPAD(seq, 13, '0')), 0, "
                f"ELT(1 + seq % 3, 'PEN', 'USD', 'EUR'), 'activa' FROM seq_1_to_{missing}"
            )
        cur.execute("ANALYZE TABLE cuentas, movimientos")
        cur.fetchall()


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "PRIMARY"),
        ({"cliente_id": 5}, "ix_cuentas_cliente_id"),
        ({"estado": "bloqueada"}, "ix_cuentas_estado"),
        ({"moneda": "EUR"}, None),
        ({"tipo_cuenta_id": 2}, None),
    ],
)
def test_account_pages_read_cuentas_in_order(sql, filled, filters, index):
    statement, params = queries.cuentas_page(filters, 51, 100)
    plan = explain(sql, statement.params(**params))
    page = [row for row in plan if row["table"] == "cuentas"]
    assert len(page) == 1, plan
    extra = page[0]["Extra"] or ""
    # the page itself is cut in index order: no sort, no temporary table over the accounts
    assert "filesort" not in extra and "temporary" not in extra, plan
    assert page[0]["type"] != "ALL", plan
    if index:
        assert page[0]["key"] == index, plan


def test_the_journal_page_uses_its_index(sql, filled):
    plan = explain(sql, queries.MOVIMIENTOS_PAGE.params(cuenta_id=5, page_limit=51, page_offset=0))
    assert plan[0]["key"] == "ix_movimientos_cuenta_movimiento", plan
    assert "filesort" not in (plan[0]["Extra"] or ""), plan


def test_lookups_are_by_key(sql, filled):
    with sql.cursor() as cur:
        cur.execute("SELECT cuenta_id, numero_cuenta FROM cuentas ORDER BY cuenta_id DESC LIMIT 1")
        cuenta_id, numero = cur.fetchone()
    by_id = queries.CUENTA_BY_ID.params(cuenta_id=cuenta_id)
    by_numero = queries.CUENTA_BY_NUMERO.params(numero_cuenta=numero)
    for statement, key in ((by_id, "PRIMARY"), (by_numero, "uq_cuentas_numero_cuenta")):
        plan = explain(sql, statement)
        cuentas_row = next(row for row in plan if row["table"] == "cuentas")
        assert (cuentas_row["type"], cuentas_row["key"]) == ("const", key), plan
