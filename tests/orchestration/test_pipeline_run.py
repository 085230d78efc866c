"""The whole job in one in-process run: everything lands and passes; a bad row at a source
fails its blocking check, stops what is downstream, and the CLI says which expectation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from click.testing import CliRunner
from orchestration_support import PIPELINE_DAYS

import orchestration.definitions
from infra.local.cli import main
from orchestration.definitions import build_defs
from orchestration.pipeline import run_pipeline

TRANSACCIONES = ["raw", "transacciones", "transacciones"]

# each run extracts, checks, then builds and tests the dbt project: minutes on a busy machine
pytestmark = pytest.mark.timeout(1200)


def run(overrides, defs=None):
    return run_pipeline(
        start=PIPELINE_DAYS[0],
        end=PIPELINE_DAYS[-1],
        resource_overrides=overrides,
        defs=defs,
        instance=dg.DagsterInstance.ephemeral(),
    )


def with_downstream(overrides) -> dg.Definitions:
    """The real definitions plus an asset downstream of the raw transactions."""
    base = build_defs(overrides)

    @dg.asset(key=["marts", "daily_volume"], deps=[TRANSACCIONES], group_name="marts")
    def daily_volume() -> None:
        raise AssertionError("must not run when a blocking check upstream failed")

    raw = dg.AssetSelection.groups("raw_clientes", "raw_cuentas", "raw_transacciones")
    job = dg.define_asset_job(
        "raw_pipeline",
        selection=raw | dg.AssetSelection.assets(daily_volume),
        executor_def=dg.in_process_executor,
    )
    return dg.Definitions(
        assets=[*base.assets, daily_volume],
        asset_checks=base.asset_checks,
        jobs=[job],
        resources=base.resources,
    )


def raw_only(overrides) -> dg.Definitions:
    """The real definitions with the raw job only: no marts run follows (dbt is not what
    these tests look at)."""
    base = build_defs(overrides)
    return dg.Definitions(
        assets=base.assets,
        asset_checks=base.asset_checks,
        jobs=[base.resolve_job_def("raw_pipeline")],
        resources=base.resources,
    )


def test_the_whole_pipeline_lands_registers_and_passes_every_check(sample, overrides, tmp_path):
    report = run(overrides)
    assert report.ok, report.lines()
    raw = sorted(k for k in report.materialized if k.startswith("raw/"))
    assert raw == sorted(
        [
            "raw/clientes/clientes",
            "raw/clientes/documentos_identidad",
            "raw/cuentas/tipos_cuenta",
            "raw/cuentas/cuentas",
            "raw/cuentas/movimientos",
            "raw/transacciones/transacciones",
        ]
    )
    # then dbt over the registered catalog (its tests as checks) and the analytics snapshot
    assert "marts/kpi_dashboard_monedas" in report.materialized
    assert "analytics/snapshot" in report.materialized and not report.not_run
    raw_checks = [c for c in report.checks_passed if c.startswith("raw/")]
    assert len(raw_checks) == 13 and not report.checks_failed
    assert len(report.checks_passed) > 100  # dbt's tests too
    lake = tmp_path / "lake"
    for day in PIPELINE_DAYS:
        assert (lake / f"raw/transacciones/transacciones/dt={day}/part-00000.parquet").exists()
    with duckdb.connect(str(tmp_path / "lake_catalog.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.movimientos").fetchone()[0] == len(
            sample.movimientos
        )
        assert con.execute("SELECT count(*) FROM raw.clientes").fetchone()[0] == len(
            sample.clientes
        )
    results = list((lake / "quality").rglob("*.json"))
    assert len(results) == 13
    assert all(json.loads(p.read_text())["passed"] for p in results)
    assert (tmp_path / "quality" / "data_docs" / "index.html").exists()


def _inject_bad_transactions(sources) -> None:
    now = datetime.now(UTC)
    day = datetime(2025, 5, 2, 10, tzinfo=UTC)
    client, collection = sources.mongo()
    with client:
        collection.insert_many(
            [
                {
                    "transaccion_id": "ZZNEG",
                    "tipo": "DEPOSITO",
                    "cuenta_destino_id": 1,
                    "monto": -250,
                    "moneda": "PEN",
                    "estado": "COMPLETADA",
                    "fecha": day,
                    "created_at": now,
                    "updated_at": now,
                },
                {
                    "transaccion_id": "ZZENUM",
                    "tipo": "DEPOSITO",
                    "cuenta_destino_id": 1,
                    "monto": 250,
                    "moneda": "PEN",
                    "estado": "REVERTIDA",
                    "fecha": day,
                    "created_at": now,
                    "updated_at": now,
                },
            ]
        )


def test_bad_transactions_fail_the_blocking_check_and_stop_downstream(
    pipeline_sources, sample, overrides
):
    _inject_bad_transactions(pipeline_sources)
    report = run(overrides, defs=with_downstream(overrides))
    assert not report.ok
    failed = dict(report.checks_failed)
    description = failed["raw/transacciones/transacciones:gx_suite"]
    assert "expect_column_values_to_be_between(monto)" in description
    assert "expect_column_values_to_be_in_set(estado)" in description
    assert "marts/daily_volume" in report.not_run
    assert "marts/daily_volume" not in report.materialized
    # the other sources are unaffected
    assert "raw/clientes/clientes" in report.materialized
    assert not report.steps_failed


def test_a_balance_off_its_journal_fails_the_ledger_check(pipeline_sources, sample, overrides):
    victim = sample.cuentas[1]["cuenta_id"]
    with pipeline_sources.mysql(pipeline_sources.mysql_database) as conn, conn.cursor() as cur:
        cur.execute("UPDATE cuentas SET saldo = saldo + 5.00 WHERE cuenta_id = %s", (victim,))
    report = run(overrides)
    assert not report.ok
    failed = dict(report.checks_failed)
    assert f"cuenta {victim}: saldo" in failed["raw/cuentas/cuentas:balance_equals_journal"]
    assert "raw/cuentas/cuentas:reconciliation" not in failed  # the lake matches its source


def test_cloudbank_pipeline_exits_non_zero_naming_the_expectation(
    pipeline_sources, sample, overrides, monkeypatch, tmp_path
):
    _inject_bad_transactions(pipeline_sources)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    (tmp_path / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    real = orchestration.definitions.build_defs
    monkeypatch.setattr(orchestration.definitions, "build_defs", lambda extra=None: real(overrides))
    result = CliRunner().invoke(
        main,
        ["pipeline", "--start", str(PIPELINE_DAYS[0]), "--end", str(PIPELINE_DAYS[-1])],
    )
    assert result.exit_code == 1, result.output
    assert "CHECK FAILED  raw/transacciones/transacciones:gx_suite" in result.output
    assert "expect_column_values_to_be_between(monto)" in result.output
    assert "pipeline failed" in result.output
    # the analytics API's /calidad learns of it: the raw layer's checks, dbt not run
    from services.analytics.store import SnapshotStore
    from services.common.settings import get_settings

    record = SnapshotStore.for_settings(get_settings()).last_run()
    assert record is not None and not record.ok
    checks = {(c.objeto, c.nombre): c for c in record.checks}
    suite = checks[("transacciones.transacciones", "gx_suite")]
    assert suite.origen == "raw" and not suite.ok and "monto" in suite.detalle
    assert checks[("cuentas.cuentas", "reconciliation")].ok
    assert checks[(None, "dbt build")].estado == "skipped"


@pytest.mark.parametrize("day", ["2025-05-01"])
def test_rerunning_the_pipeline_changes_no_data_file(sample, overrides, tmp_path, day):
    assert run(overrides, raw_only(overrides)).ok
    lake = tmp_path / "lake"
    before = {p: p.read_bytes() for p in lake.rglob("*.parquet")}
    again = run(overrides, raw_only(overrides))
    assert again.ok, again.lines()
    assert {p: p.read_bytes() for p in lake.rglob("*.parquet")} == before
    assert Path(lake, f"raw/cuentas/movimientos/dt={day}/_manifest.json").exists()
