"""The pure pieces: dbt's run_results as /calidad checks, the snapshot store's atomic pointer
and pruning, the vars the orchestrator passes to dbt, the asset keys of the dbt models."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.dbt.assets import TRANSLATOR, DbtBuildConfig, build_vars
from orchestration.defs.dbt.project import dbt_env
from orchestration.defs.dbt.vars import dbt_vars, window_of_partitions
from orchestration.lib.partitions import RANGE_END_TAG, RANGE_START_TAG
from orchestration.lib.resources import catalog_path
from services.analytics.quality import checks_from_run_results, passed
from services.analytics.store import Bundle, Check, RunRecord, SnapshotStore, check_run_id
from services.common.settings import Settings

RUN_RESULTS = {
    "results": [
        {"unique_id": "model.cloudbank.dim_cuentas", "status": "success"},
        {
            "unique_id": "test.cloudbank.assert_balance_equals_journal",
            "status": "fail",
            "failures": 2,
            "message": "Got 2 results, configured to fail if != 0",
        },
        {"unique_id": "test.cloudbank.not_null_x.abc", "status": "pass", "failures": 0},
        {"unique_id": "test.cloudbank.soft_check", "status": "warn", "failures": 1},
        {"unique_id": "model.cloudbank.kpi_top_cuentas", "status": "skipped"},
        {"unique_id": "unit_test.cloudbank.kpi_top_cuentas.ranks", "status": "skipped"},
        {"unique_id": "model.cloudbank.kpi_frescura", "status": "error", "message": "boom"},
    ]
}
MANIFEST = {
    "nodes": {
        "test.cloudbank.assert_balance_equals_journal": {
            "name": "assert_balance_equals_journal",
            "attached_node": "model.cloudbank.dim_cuentas",
            "config": {"severity": "ERROR"},
        },
        "test.cloudbank.not_null_x.abc": {
            "name": "not_null_x",
            "depends_on": {"nodes": ["model.cloudbank.x"]},
            "config": {"severity": "error"},
        },
        "test.cloudbank.soft_check": {"name": "soft_check", "config": {"severity": "warn"}},
    },
    "unit_tests": {
        "unit_test.cloudbank.kpi_top_cuentas.ranks": {"name": "ranks", "model": "kpi_top_cuentas"}
    },
}


def test_run_results_become_checks():
    checks = {c.nombre: c for c in checks_from_run_results(RUN_RESULTS, MANIFEST)}
    assert set(checks) == {
        "assert_balance_equals_journal",
        "not_null_x",
        "soft_check",
        "build kpi_top_cuentas",
        "ranks",
        "build kpi_frescura",
    }  # a model that built is no check; tests and unit tests always are
    balance = checks["assert_balance_equals_journal"]
    assert (balance.ok, balance.estado, balance.severidad, balance.objeto) == (
        False,
        "fail",
        "error",
        "dim_cuentas",
    )
    assert balance.detalle.startswith("fail: 2 failing rows")
    assert checks["not_null_x"].ok and checks["not_null_x"].objeto == "x"
    assert checks["soft_check"].ok and checks["soft_check"].estado == "warn"
    assert checks["build kpi_top_cuentas"].estado == "skipped"
    assert "not built" in checks["build kpi_top_cuentas"].detalle
    assert checks["ranks"].estado == "skipped" and checks["ranks"].objeto == "kpi_top_cuentas"
    assert (
        checks["build kpi_frescura"].estado == "error"
        and checks["build kpi_frescura"].detalle == "boom"
    )
    assert not passed(checks.values())
    assert passed([checks["not_null_x"], checks["soft_check"]])  # a warning does not block


def test_the_pointer_moves_atomically_and_old_runs_are_pruned(tmp_path):
    store = SnapshotStore(tmp_path)
    assert store.current_run_id() is None and store.pointer_stamp() is None
    with pytest.raises(FileNotFoundError):
        store.publish("never-written")  # no bundle, no pointer
    assert store.current_run_id() is None
    stamps = set()
    for i in range(8):
        run = f"run-{i}"
        store.write_bundle(Bundle(run, "2025-03-15", "2025-03-16T00:00:00Z", {}))
        store.publish(run)
        assert store.current_run_id() == run
        stamps.add(store.pointer_stamp())
    assert len(stamps) == 8  # every publication changes what the API polls
    assert len(list(store.runs_dir.iterdir())) == 5
    assert not list(tmp_path.glob(".current.*"))  # no temporary file left behind
    record = RunRecord("run-7", False, "2025-03-16T00:00:00Z", [Check("t", "dbt", False)])
    store.record_run(record)
    assert store.last_run() == record


@pytest.mark.parametrize("bad", ["../etc", "a/b", "", "x" * 101, "run id"])
def test_run_ids_are_plain_names(bad):
    with pytest.raises(ValueError):
        check_run_id(bad)


def test_dbt_vars():
    assert dbt_vars() == {}
    assert dbt_vars(as_of_date=date(2025, 3, 15)) == {"as_of_date": "2025-03-15"}
    assert dbt_vars(window=("2025-03-01", date(2025, 3, 2))) == {
        "min_dt": "2025-03-01",
        "max_dt": "2025-03-02",
    }
    with pytest.raises(ValueError):
        dbt_vars(as_of_date="15/03/2025")
    with pytest.raises(ValueError):
        dbt_vars(window=("2025-03-02", "2025-03-01"))
    assert window_of_partitions(date(2025, 3, 1), date(2025, 3, 3)) == (
        date(2025, 3, 1),
        date(2025, 3, 2),
    )


def test_the_runs_business_dates_are_the_facts_window():
    tags = {RANGE_START_TAG: "2025-05-01", RANGE_END_TAG: "2025-05-02"}
    assert build_vars(tags, DbtBuildConfig()) == {"min_dt": "2025-05-01", "max_dt": "2025-05-02"}
    config = DbtBuildConfig(as_of_date="2025-05-02", min_dt="2025-04-01", max_dt="2025-04-30")
    assert build_vars(tags, config) == {
        "as_of_date": "2025-05-02",
        "min_dt": "2025-04-01",
        "max_dt": "2025-04-30",
    }
    assert build_vars({}, DbtBuildConfig()) == {}


def test_models_are_keyed_by_layer_and_sources_by_the_raw_contract():
    model = {
        "resource_type": "model",
        "name": "kpi_top_cuentas",
        "fqn": ["cloudbank", "marts", "kpis", "kpi_top_cuentas"],
    }
    assert TRANSLATOR.get_asset_key(model).path == ["marts", "kpi_top_cuentas"]
    assert TRANSLATOR.get_group_name(model) == "dbt_marts"
    source = {
        "resource_type": "source",
        "name": "cuentas",
        "source_name": "cuentas",
        "fqn": ["cloudbank", "staging", "cuentas", "cuentas"],
        "meta": {"dagster": {"asset_key": ["raw", "cuentas", "cuentas"]}},
        "config": {"meta": {"dagster": {"asset_key": ["raw", "cuentas", "cuentas"]}}},
    }
    assert TRANSLATOR.get_asset_key(source).path == ["raw", "cuentas", "cuentas"]


def test_dbt_env_follows_the_settings(tmp_path):
    local = dbt_env(Settings(_env_file=None, var_dir=tmp_path))
    assert local["CLOUDBANK_DBT_TARGET"] == "local"
    assert local["CLOUDBANK_DBT_DUCKDB_PATH"] == str(tmp_path / "dbt" / "cloudbank.duckdb")
    assert local["CLOUDBANK_DBT_CATALOG_PATH"] == str(catalog_path(tmp_path))
    aws = dbt_env(Settings(_env_file=None, env="aws", glue_database="raw_db", marts_database="bi"))
    assert (aws["CLOUDBANK_DBT_TARGET"], aws["CLOUDBANK_GLUE_DATABASE"]) == ("athena", "raw_db")
    assert aws["CLOUDBANK_MARTS_DATABASE"] == "bi"
    assert Path(aws["CLOUDBANK_DBT_DUCKDB_PATH"]).name == "cloudbank.duckdb"


def test_a_run_pointed_at_another_catalog_builds_its_own_warehouse(tmp_path):
    from orchestration.defs.dbt.assets import warehouse_path
    from orchestration.lib.resources import CatalogResource

    settings = Settings(_env_file=None, var_dir=tmp_path / "var")
    assert warehouse_path(settings, CatalogResource()) == tmp_path / "var/dbt/cloudbank.duckdb"
    other = CatalogResource(kind="local", duckdb_path=str(tmp_path / "x" / "lake_catalog.duckdb"))
    assert warehouse_path(settings, other) == tmp_path / "x" / "dbt_cloudbank.duckdb"


def test_raw_layer_results_become_checks():
    from services.analytics.quality import checks_from_raw_results

    checks = checks_from_raw_results(
        [
            {"check": "gx_suite", "table": "cuentas.cuentas", "passed": True, "failures": []},
            {
                "check": "reconciliation",
                "table": "transacciones.transacciones",
                "passed": False,
                "failures": ["PEN: lake 10.00 != source 12.00", "rows: 3 != 4"],
            },
        ]
    )
    assert [(c.nombre, c.objeto, c.ok, c.estado, c.origen) for c in checks] == [
        ("gx_suite", "cuentas.cuentas", True, "pass", "raw"),
        ("reconciliation", "transacciones.transacciones", False, "fail", "raw"),
    ]
    assert checks[1].detalle == "PEN: lake 10.00 != source 12.00; rows: 3 != 4"
    assert not passed(checks)


def test_the_marts_run_follows_each_raw_run_over_its_business_dates():
    from orchestration.definitions import defs
    from orchestration.defs.pipeline.sensors import marts_run_config

    tags = {RANGE_START_TAG: "2025-05-01", RANGE_END_TAG: "2025-05-02"}
    assert marts_run_config(tags) == {
        "ops": {"cloudbank_dbt": {"config": {"min_dt": "2025-05-01", "max_dt": "2025-05-02"}}}
    }
    assert marts_run_config({}) == {"ops": {"cloudbank_dbt": {"config": {}}}}
    marts = defs.resolve_job_def("marts_pipeline")
    keys = {k.to_user_string() for k in marts.asset_layer.executable_asset_keys}
    assert "analytics/snapshot" in keys and "marts/kpi_dashboard_monedas" in keys
    assert not any(k.startswith("raw/") for k in keys)  # the raw layer is its own run
    raw = defs.resolve_job_def("raw_pipeline")
    assert all(
        k.path[0] == "raw" for k in raw.asset_layer.executable_asset_keys
    )  # no dbt asset planned per day of a long range
    sensor = next(s for s in defs.sensors if s.name == "marts_after_raw")
    assert sensor.job_name == "marts_pipeline"


@pytest.mark.parametrize("inline", [False, True])
def test_the_sensor_leaves_a_raw_run_alone_when_its_marts_run_follows_in_process(inline):
    """``cloudbank pipeline`` runs the marts itself: a second marts run launched by the sensor
    beside it would fight for the warehouse file."""
    from orchestration.defs.pipeline.sensors import MARTS_INLINE_TAG, marts_after_raw

    @dg.op
    def noop() -> None:
        pass

    @dg.job(name="raw_pipeline")
    def fake_raw():
        noop()

    tags = {RANGE_START_TAG: "2025-05-01", RANGE_END_TAG: "2025-05-02"}
    if inline:
        tags[MARTS_INLINE_TAG] = "true"
    instance = dg.DagsterInstance.ephemeral()
    result = fake_raw.execute_in_process(instance=instance, tags=tags)
    success = result.get_run_success_event()
    context = dg.build_run_status_sensor_context(
        sensor_name="marts_after_raw",
        dagster_event=success,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    answer = marts_after_raw(context)
    if inline:
        assert isinstance(answer, dg.SkipReason)
    else:
        assert isinstance(answer, dg.RunRequest) and answer.run_key == result.run_id
        assert answer.run_config["ops"]["cloudbank_dbt"]["config"]["min_dt"] == "2025-05-01"
