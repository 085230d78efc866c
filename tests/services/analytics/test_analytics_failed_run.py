"""A run whose data breaks an accounting identity: the blocking check fails, the marts that
depend on it are not built, nothing is published, and the API keeps serving the previous
snapshot while /calidad reports the failure."""

from __future__ import annotations

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from analytics_support import run_marts_pipeline, settings_env
from fastapi.testclient import TestClient

from services.analytics.store import SnapshotStore

# a dbt run (or compile) per module: minutes on a busy machine
pytestmark = pytest.mark.timeout(1200)


def _unbalance_account(lake, cuenta_id: int, cents: int) -> None:
    """The latest cuentas snapshot says the account holds ``cents`` more than its journal."""
    path = lake / "raw" / "cuentas" / "cuentas" / "dt=2025-03-15" / "part-00000.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("saldo")
    bumped = pc.if_else(
        pc.equal(table["cuenta_id"], cuenta_id), pc.add(table["saldo"], cents), table["saldo"]
    )
    pq.write_table(table.set_column(index, "saldo", bumped), path, compression="zstd")


def test_failing_check_blocks_publication_and_the_api_keeps_the_previous_snapshot(
    published_copy, analista
):
    from orchestration.defs.dbt.assets import cloudbank_dbt
    from services.analytics.main import app

    previous_run = published_copy.run.run_id
    with settings_env(**published_copy.env()) as settings, TestClient(app) as client:
        before = client.get("/dashboard-ejecutivo", headers=analista)
        assert before.status_code == 200 and before.json()["run_id"] == previous_run

        _unbalance_account(published_copy.lake, cuenta_id=3, cents=1)
        run = run_marts_pipeline()
        assert not run.success

        # Dagster: the identity is a blocking check, it failed, and nothing was published
        spec = next(
            s for s in cloudbank_dbt.check_specs if s.name == "assert_balance_equals_journal"
        )
        assert spec.blocking
        failed = {e.check_name for e in run.result.get_asset_check_evaluations() if not e.passed}
        assert {"assert_balance_equals_journal", "assert_last_leg_matches_balance"} <= failed
        materialized = {
            e.asset_key.to_user_string() for e in run.result.get_asset_materialization_events()
        }
        assert "analytics/snapshot" not in materialized
        assert "marts/kpi_dashboard_monedas" not in materialized  # downstream of dim_cuentas

        store = SnapshotStore.for_settings(settings)
        assert store.current_run_id() == previous_run
        record = store.last_run()
        assert record.run_id == run.run_id and not record.ok and not record.publicada

        client.app.state.cache.refresh()
        after = client.get("/dashboard-ejecutivo", headers=analista)
        assert after.status_code == 200
        assert after.json() == before.json()  # same figures, same run_id

        calidad = client.get("/calidad", headers=analista)
        assert calidad.status_code == 200
        body = calidad.json()
        assert body["ok"] is False and body["sirviendo_ultima"] is False
        assert body["ejecucion"] == run.run_id and body["run_id"] == previous_run
        checks = {c["nombre"]: c for c in body["checks"]}
        balance = checks["assert_balance_equals_journal"]
        assert balance["ok"] is False and balance["severidad"] == "error"
        assert "1 failing rows" in balance["detalle"]
        assert balance["objeto"] == "dim_cuentas"
        assert balance["estado"] == "fail"
        not_built = checks["build kpi_dashboard_monedas"]
        assert not_built["ok"] is False and not_built["estado"] == "skipped"
        unit = checks["dashboard_money_counts_only_completed_transactions_per_currency_in_window"]
        assert unit["estado"] == "skipped"
        assert {c["estado"] for c in body["checks"][:2]} == {"fail"}  # real failures first
