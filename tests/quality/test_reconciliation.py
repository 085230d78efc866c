"""Suites and reconciliation on a lake loaded from real sources; bad rows injected at the
source are caught, and the result is recorded under the lake's quality/ prefix."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from quality_support import QUALITY_DAYS, SNAPSHOT, load_everything

from ingestion.tables import TABLES, Kind, get_table
from quality.checks import balance_check, table_checks


def dts_of(spec):
    if spec.kind is Kind.EVENTS:
        return [d.isoformat() for d in QUALITY_DAYS]
    return [SNAPSHOT.isoformat()]


def test_a_clean_load_passes_every_check(quality_sources, loaded, runner):
    bank, lake = loaded
    for spec in TABLES.values():
        extractor = quality_sources.sources.extractor(spec)
        suite, recon = table_checks(spec, lake, extractor, runner, dts_of(spec), "run-1")
        assert suite.passed, suite.failures
        assert recon.passed, recon.failures
    cuentas = get_table("cuentas")
    balances = balance_check(
        cuentas, lake, quality_sources.sources.extractor(cuentas), SNAPSHOT.isoformat(), "run-1"
    )
    assert balances.passed, balances.failures
    assert balances.stats["accounts_checked"] == len(bank.cuentas)
    stored = json.loads(
        Path(lake.root, "quality/cuentas/cuentas/run=run-1/balance_equals_journal.json").read_text()
    )
    assert stored["passed"] is True and stored["run_id"] == "run-1"
    assert runner.build_docs().exists()  # the static Data Docs site, built once per run


def test_negative_amount_and_unknown_enumeration_fail_the_suite(quality_sources, loaded, runner):
    _, lake = loaded
    spec = get_table("transacciones")
    client, collection = quality_sources.mongo()
    now = datetime.now(UTC)
    day = datetime(2025, 4, 2, 12, tzinfo=UTC)
    with client:
        collection.insert_many(
            [
                {
                    "transaccion_id": "ZZBAD1",
                    "tipo": "DEPOSITO",
                    "cuenta_destino_id": 1,
                    "monto": -500,
                    "moneda": "PEN",
                    "estado": "COMPLETADA",
                    "fecha": day,
                    "created_at": now,
                    "updated_at": now,
                },
                {
                    "transaccion_id": "ZZBAD2",
                    "tipo": "CASHBACK",
                    "cuenta_destino_id": 1,
                    "monto": 500,
                    "moneda": "PEN",
                    "estado": "COMPLETADA",
                    "fecha": day,
                    "created_at": now,
                    "updated_at": now,
                },
            ]
        )
    load_everything(quality_sources, lake, "run-2")
    outcome, _ = table_checks(
        spec, lake, quality_sources.sources.extractor(spec), runner, dts_of(spec), "run-2"
    )
    assert not outcome.passed
    assert any(f.startswith("expect_column_values_to_be_between(monto)") for f in outcome.failures)
    assert any(f.startswith("expect_column_values_to_be_in_set(tipo)") for f in outcome.failures)
    stored = json.loads(
        Path(lake.root, "quality/transacciones/transacciones/run=run-2/gx_suite.json").read_text()
    )
    assert stored["passed"] is False and stored["failures"] == outcome.failures


def test_a_balance_that_disagrees_with_its_journal_fails(quality_sources, loaded, runner):
    bank, lake = loaded
    spec = get_table("cuentas")
    victim = bank.cuentas[3]["cuenta_id"]
    with quality_sources.mysql(quality_sources.mysql_database) as conn, conn.cursor() as cur:
        cur.execute("UPDATE cuentas SET saldo = saldo + 1.00 WHERE cuenta_id = %s", (victim,))
    load_everything(quality_sources, lake, "run-2")
    extractor = quality_sources.sources.extractor(spec)
    outcome = balance_check(spec, lake, extractor, SNAPSHOT.isoformat(), "run-2")
    assert not outcome.passed
    assert outcome.details["mismatches"][0]["cuenta_id"] == victim
    assert (
        outcome.details["mismatches"][0]["saldo"] - outcome.details["mismatches"][0]["journal"]
        == 100
    )
    assert f"cuenta {victim}:" in outcome.description
    # the lake itself matches the source: reconciliation passes, the journal check does not
    _, recon = table_checks(spec, lake, extractor, runner, dts_of(spec), "run-2")
    assert recon.passed, recon.failures


def test_reconciliation_catches_a_lake_that_lost_rows(quality_sources, loaded, runner):
    _, lake = loaded
    spec = get_table("movimientos")
    dt = QUALITY_DAYS[0].isoformat()
    manifest = lake.read_manifest(spec, dt)
    rows = lake.read_partition(spec, dt)
    writer = lake.writer(spec, dt, "tamper")
    writer.write(rows.slice(1))  # drop one leg
    writer.commit(manifest.watermark_dt)
    _, outcome = table_checks(
        spec, lake, quality_sources.sources.extractor(spec), runner, dts_of(spec), "tamper"
    )
    assert not outcome.passed
    assert any(f.startswith("rows: lake") for f in outcome.failures)
    assert any(f.startswith("sum(monto)") for f in outcome.failures)


def test_rows_changed_after_the_watermark_do_not_fail_reconciliation(
    quality_sources, loaded, runner
):
    _, lake = loaded
    spec = get_table("clientes")
    with quality_sources.pg() as conn:  # changes after the load: not in the lake yet
        conn.execute("UPDATE clientes SET estado = 'bloqueado' WHERE cliente_id IN (1, 3)")
    _, outcome = table_checks(
        spec, lake, quality_sources.sources.extractor(spec), runner, dts_of(spec), "run-1"
    )
    assert outcome.passed, outcome.failures
    assert outcome.stats["rows_changed_since_watermark"] == 2
