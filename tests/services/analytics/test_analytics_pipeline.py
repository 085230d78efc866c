"""One real pipeline run over the fixture lake (Dagster: dbt build with every test as an asset
check, then the snapshot publisher), and every KPI it publishes checked against the same
figure computed in Python from the fixture's own ledger."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import duckdb
import pytest
from analytics_lake import TIPOS_CUENTA, half_up, money

from services.analytics.store import MARTS, SnapshotStore

# a dbt run (or compile) per module: minutes on a busy machine
pytestmark = pytest.mark.timeout(1200)

CURRENCIES = ("PEN", "USD", "EUR")


@pytest.fixture(scope="module")
def bundle(published):
    store = SnapshotStore(published.var_dir / "analytics")
    assert store.current_run_id() == published.run.run_id
    return store.load_bundle(published.run.run_id)


@pytest.fixture(scope="module")
def marts(bundle):
    return bundle.marts


def test_the_run_passed_every_check_and_was_published(published, bundle):
    store = SnapshotStore(published.var_dir / "analytics")
    record = store.last_run()
    assert record.run_id == published.run.run_id
    assert record.ok and record.publicada
    assert len(record.checks) > 100  # every data test and unit test of the project
    assert all(c.ok for c in record.checks)
    assert {c.origen for c in record.checks} == {"dbt"}
    names = {c.nombre for c in record.checks}
    assert {
        "assert_balance_equals_journal",
        "assert_transfer_legs_sum_to_zero",
        "assert_completed_transactions_have_their_legs",
        "dashboard_money_counts_only_completed_transactions_per_currency_in_window",
    } <= names
    assert set(bundle.marts) == set(MARTS)
    assert bundle.as_of == "2025-03-15"
    assert (store.docs_dir(published.run.run_id) / "index.html").stat().st_size > 100_000


def test_dbt_tests_became_blocking_asset_checks(published):
    evaluations = published.run.result.get_asset_check_evaluations()
    assert len(evaluations) > 100
    assert all(e.passed for e in evaluations)
    by_name = {e.check_name: e for e in evaluations}
    balance = by_name["assert_balance_equals_journal"]
    assert balance.asset_key.path == ["marts", "dim_cuentas"]


def test_dashboard_figures(published, marts):
    bank = published.bank
    resumen = marts["kpi_dashboard_resumen"][0]
    assert resumen["total_clientes"] == len(bank.clientes) == 6
    assert resumen["clientes_activos"] == sum(bank.es_activo(c) for c in bank.clientes) == 3
    states = Counter(c.estado for c in bank.cuentas.values())
    assert (
        resumen["cuentas_activas"],
        resumen["cuentas_bloqueadas"],
        resumen["cuentas_cerradas"],
    ) == (
        states["activa"],
        states["bloqueada"],
        states["cerrada"],
    )
    first, last = bank.window
    month_start = bank.as_of.replace(day=1)
    monedas = {row["moneda"]: row for row in marts["kpi_dashboard_monedas"]}
    assert list(monedas) == list(CURRENCIES) or set(monedas) == set(CURRENCIES)
    for moneda in CURRENCIES:
        accounts = [c for c in bank.cuentas.values() if c.moneda == moneda]
        saldo = sum(c.saldo for c in accounts)
        window = bank.completed(first, last, moneda)
        month = bank.completed(month_start, last, moneda)
        expected = {
            "cuentas": len(accounts),
            "saldo_total": str(money(saldo)),
            "saldo_promedio": _text(half_up(saldo, len(accounts))),
            "transacciones_30d": len(window),
            "volumen_30d": str(money(sum(t.monto for t in window))),
            "ticket_promedio_30d": _text(half_up(sum(t.monto for t in window), len(window))),
            "transacciones_mes": len(month),
            "volumen_mes": str(money(sum(t.monto for t in month))),
            "ticket_promedio_mes": _text(half_up(sum(t.monto for t in month), len(month))),
        }
        got = {k: monedas[moneda][k] for k in expected}
        assert got == expected, moneda
    # the fixture has completed transactions after as_of and before the window, rejected and
    # pending ones inside it: none of them is volume
    assert monedas["PEN"]["volumen_30d"] == "443.48"
    assert monedas["EUR"]["cuentas"] == 0 and monedas["EUR"]["ticket_promedio_30d"] is None


def test_staging_reads_the_latest_snapshot_only(published, marts):
    # the older snapshot has every client 'activo' and every balance 100.00 higher
    estados = {r["estado"]: r["cantidad"] for r in marts["kpi_clientes_por_estado"]}
    assert estados == {"activo": 4, "inactivo": 1, "bloqueado": 1}
    top = {r["cuenta_id"]: r["saldo"] for r in marts["kpi_top_cuentas"]}
    assert top == {c.cuenta_id: str(money(c.saldo)) for c in published.bank.cuentas.values()}


def test_clients_by_state_lists_every_state_with_shares(marts):
    rows = {r["estado"]: r for r in marts["kpi_clientes_por_estado"]}
    assert rows["activo"]["porcentaje"] == "66.67"
    assert rows["bloqueado"]["porcentaje"] == "16.67"


def test_active_clients_follow_the_definition(published, marts):
    bank = published.bank
    expected = {c for c in bank.clientes if bank.es_activo(c)}
    assert {r["cliente_id"] for r in marts["kpi_clientes_activos"]} == expected == {1, 2, 3}
    # client 4 moves money but is inactivo; client 6 has no accounts
    row = next(r for r in marts["kpi_clientes_activos"] if r["cliente_id"] == 1)
    assert row["ultima_actividad_at"] == "2025-03-15T10:00:00Z"  # never after as_of


def test_accounts_by_type_include_types_without_accounts(published, marts):
    rows = {(r["tipo_cuenta_id"], r["moneda"]): r for r in marts["kpi_cuentas_por_tipo"]}
    assert len(rows) == len(TIPOS_CUENTA) * len(CURRENCIES)
    for (tipo, moneda), row in rows.items():
        accounts = [
            c
            for c in published.bank.cuentas.values()
            if c.tipo_cuenta_id == tipo and c.moneda == moneda
        ]
        assert row["cantidad_cuentas"] == len(accounts)
        assert row["saldo_total"] == str(money(sum(c.saldo for c in accounts)))
    assert rows[(4, "PEN")]["cantidad_cuentas"] == 0  # Cuenta Ahorro has no accounts
    assert rows[(4, "PEN")]["saldo_promedio"] is None


def test_top_accounts_rank_within_each_currency(published, marts):
    for moneda in ("PEN", "USD"):
        ranked = sorted(
            (c for c in published.bank.cuentas.values() if c.moneda == moneda),
            key=lambda c: (-c.saldo, c.cuenta_id),
        )
        rows = sorted(
            (r for r in marts["kpi_top_cuentas"] if r["moneda"] == moneda),
            key=lambda r: r["posicion"],
        )
        assert [r["cuenta_id"] for r in rows] == [c.cuenta_id for c in ranked]
        assert all(r["numero_cuenta_enmascarado"].startswith("****") for r in rows)


def test_monthly_figures(published, marts):
    bank = published.bank
    counts, amounts = Counter(), defaultdict(int)
    volume, volume_n = defaultdict(int), Counter()
    for t in bank.transacciones:
        if t.fecha.date() > bank.as_of:
            continue
        key = (t.fecha.date().replace(day=1).isoformat(), t.tipo, t.estado, t.moneda)
        counts[key] += 1
        amounts[key] += t.monto
        if t.estado == "COMPLETADA":
            volume[key[:2] + key[3:]] += t.monto
            volume_n[key[:2] + key[3:]] += 1
    got = {
        (r["mes"], r["tipo"], r["estado"], r["moneda"]): r
        for r in marts["kpi_transacciones_por_mes"]
    }
    assert set(got) == set(counts)
    for key, row in got.items():
        assert (row["cantidad"], row["monto_total"]) == (counts[key], str(money(amounts[key])))
    got = {(r["mes"], r["tipo"], r["moneda"]): r for r in marts["kpi_volumen_transacciones"]}
    assert set(got) == set(volume)  # rejected and pending transactions are no volume
    for key, row in got.items():
        assert row["volumen"] == str(money(volume[key]))
        assert row["ticket_promedio"] == str(half_up(volume[key], volume_n[key]))


def test_daily_activity_lists_every_day_type_and_currency(published, marts):
    bank = published.bank
    rows = marts["kpi_actividad_diaria"]
    assert len(rows) == 30 * 5 * 3
    first, last = bank.window
    assert min(r["fecha"] for r in rows) == first.isoformat()
    assert max(r["fecha"] for r in rows) == last.isoformat()
    by_key = {(r["fecha"], r["tipo"], r["moneda"]): r for r in rows}
    for t in bank.transacciones:
        day = t.fecha.date()
        if first <= day <= last:
            row = by_key[(day.isoformat(), t.tipo, t.moneda)]
            assert row["cantidad"] >= 1
    assert sum(r["cantidad"] for r in rows) == sum(
        1 for t in bank.transacciones if first <= t.fecha.date() <= last
    )
    assert sum(Decimal(r["volumen"]) for r in rows if r["moneda"] == "PEN") == Decimal("443.48")
    quiet = by_key[((last - timedelta(days=1)).isoformat(), "DEPOSITO", "PEN")]
    assert quiet["cantidad"] == 0 and quiet["volumen"] == "0.00"


def test_freshness_per_source(marts):
    rows = {r["fuente"]: r for r in marts["kpi_frescura"]}
    assert set(rows) == {
        "clientes.clientes",
        "clientes.documentos_identidad",
        "cuentas.tipos_cuenta",
        "cuentas.cuentas",
        "cuentas.movimientos",
        "transacciones.transacciones",
    }
    assert rows["cuentas.cuentas"]["ultima_particion"] == "2025-03-15"
    assert rows["transacciones.transacciones"]["ultimo_cambio_at"] == "2025-03-16T12:00:00Z"
    assert rows["cuentas.cuentas"]["filas"] == 7  # the latest snapshot only


def test_marts_hold_no_pii_and_no_floating_point(published):
    db = published.var_dir / "dbt" / "cloudbank.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'marts'"
        ).fetchall()
        assert columns
        forbidden = ("nombre", "apellido", "email", "telefono", "documento", "numero_cuenta")
        leaks = [
            (t, c)
            for t, c, _ in columns
            if any(word in c for word in forbidden) and c != "numero_cuenta_enmascarado"
        ]
        assert not leaks
        floats = [(t, c, d) for t, c, d in columns if d in ("DOUBLE", "FLOAT", "REAL")]
        assert not floats
        money_columns = [
            (t, c, d)
            for t, c, d in columns
            if c.startswith(("saldo", "volumen", "monto", "ticket")) and not c.endswith("centimos")
        ]
        assert money_columns and all(d.startswith("DECIMAL") for *_, d in money_columns)
        # no full account number anywhere in the marts
        numbers = {c.numero_cuenta for c in published.bank.cuentas.values()}
        for table, column, data_type in columns:
            if data_type == "VARCHAR":
                values = {
                    v
                    for (v,) in con.execute(
                        f'SELECT DISTINCT "{column}" FROM marts.{table}'
                    ).fetchall()
                }
                assert not values & numbers, (table, column)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
