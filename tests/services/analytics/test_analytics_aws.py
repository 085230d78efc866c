"""The AWS mode against a moto server (S3 and Athena): the pipeline publishes a pointer naming
each mart's Iceberg snapshot, the API reads Athena once per new pointer through PyAthena, at
exactly those snapshots, and never per request. moto does not run SQL: each query's rows are
queued beforehand, and the SQL the client sent is read back from moto's query history."""

from __future__ import annotations

import json
import os
from decimal import Decimal

import boto3
import httpx
import pytest
from analytics_support import athena_problems, make_bundle, settings_env
from fastapi.testclient import TestClient

from ingestion.testing import fake_aws_env, moto_server
from services.analytics import sources
from services.analytics.publish import publish, record_run
from services.analytics.sources import athena_mart_sql, athena_snapshot_sql
from services.analytics.store import MARTS, Check

LAKE_BUCKET, RESULTS_BUCKET = "cloudbank-lake-test", "cloudbank-athena-results-test"


@pytest.fixture(scope="module")
def moto_url():
    with moto_server() as url:
        yield url


@pytest.fixture
def aws(moto_url, tmp_path, monkeypatch):
    """AWS-mode settings over the moto server; yields (settings, queue, executed)."""
    monkeypatch.setattr(sources, "POLL_SECONDS", 0.01)
    prefix = f"s3://{LAKE_BUCKET}/{tmp_path.name}"
    aws_env = fake_aws_env(moto_url)
    with settings_env(
        env="aws",
        var_dir=str(tmp_path),
        lake_url=prefix,
        marts_database="bi",
        athena_results_url=f"s3://{RESULTS_BUCKET}/",
        athena_workgroup="primary",
    ) as settings:
        os.environ.update(aws_env)
        s3 = boto3.client("s3")
        existing = {b["Name"] for b in s3.list_buckets()["Buckets"]}
        for bucket in (LAKE_BUCKET, RESULTS_BUCKET):
            if bucket not in existing:
                s3.create_bucket(Bucket=bucket)
        athena = boto3.client("athena")
        seen = set(athena.list_query_executions()["QueryExecutionIds"])

        def executed() -> list[str]:
            """SQL sent to Athena since the fixture started, oldest first."""
            ids = [i for i in athena.list_query_executions()["QueryExecutionIds"] if i not in seen]
            queries = [
                athena.get_query_execution(QueryExecutionId=i)["QueryExecution"] for i in ids
            ]
            queries.sort(key=lambda q: q["Status"]["SubmissionDateTime"])
            return [q["Query"] for q in queries]

        def queue(results: list[tuple[list[tuple[str, str]], list[list]]]) -> None:
            payload = {"results": [_athena_result(cols, rows) for cols, rows in results]}
            response = httpx.post(f"{moto_url}/moto-api/static/athena/query-results", json=payload)
            assert response.status_code == 201

        yield settings, queue, executed


def _column(name: str, athena_type: str) -> dict:
    precision, scale = (18, 2) if athena_type == "decimal" else (0, 0)
    return {
        "CatalogName": "hive",
        "SchemaName": "",
        "TableName": "",
        "Name": name,
        "Label": name,
        "Type": athena_type,
        "Precision": precision,
        "Scale": scale,
        "Nullable": "UNKNOWN",
        "CaseSensitive": False,
    }


def _athena_result(columns: list[tuple[str, str]], rows: list[list]) -> dict:
    def cell(value):
        if value is None:
            return {}
        if isinstance(value, str) and value.endswith("Z"):  # an instant, as Athena prints it
            value = value[:-1].replace("T", " ") + ".000"
        return {"VarCharValue": str(value)}

    header = {"Data": [{"VarCharValue": name} for name, _ in columns]}
    return {
        "rows": [header, *({"Data": [cell(v) for v in row]} for row in rows)],
        "column_info": [_column(name, t) for name, t in columns],
    }


def _athena_type(values: list) -> str:
    sample = next((v for v in values if v is not None), "")
    if isinstance(sample, int):
        return "bigint"
    if isinstance(sample, str) and sample.endswith("Z"):
        return "timestamp"
    if isinstance(sample, str) and len(sample) == 10 and sample[4] == "-" and sample[7] == "-":
        return "date"
    try:
        Decimal(sample)
        return "decimal" if "." in sample else "varchar"
    except (ArithmeticError, ValueError, TypeError):
        return "varchar"


def mart_results(bundle) -> list[tuple[list[tuple[str, str]], list[list]]]:
    """What Athena would answer for each mart, in MARTS order."""
    out = []
    for mart in MARTS:
        rows = bundle.marts[mart]
        names = list(rows[0])
        columns = [(n, _athena_type([r[n] for r in rows])) for n in names]
        out.append((columns, [[r[n] for n in names] for r in rows]))
    return out


def test_the_athena_sql_is_athena_sql():
    for sql in (
        athena_mart_sql("bi_marts", "kpi_top_cuentas", 7310298457341214523),
        athena_mart_sql("bi_marts", "kpi_top_cuentas", None),
        athena_snapshot_sql("bi_marts", "kpi_top_cuentas"),
    ):
        assert athena_problems(sql) == [], sql
    with pytest.raises(ValueError):
        athena_mart_sql("bi_marts", 'kpi"; DROP TABLE x; --', None)


def test_publish_then_serve_one_athena_read_per_new_run(aws, analista):
    settings, queue, executed = aws
    bundle = make_bundle("run-1")
    snapshot_ids = {mart: 1000 + i for i, mart in enumerate(MARTS)}

    # the pipeline: record the run, then publish (newest snapshot of each mart, the as_of)
    record_run(settings, "run-1", [Check("t", "dbt", True)], ok=True)
    queue([([("snapshot_id", "bigint")], [[snapshot_ids[m]]]) for m in MARTS])
    resumen = mart_results(bundle)[0]
    queue([resumen])
    assert publish(settings, "run-1") is None
    sent = executed()
    assert sent[: len(MARTS)] == [athena_snapshot_sql("bi_marts", m) for m in MARTS]
    assert sent[len(MARTS)] == athena_mart_sql(
        "bi_marts", "kpi_dashboard_resumen", snapshot_ids["kpi_dashboard_resumen"]
    )
    pointer = json.loads(
        boto3.client("s3")
        .get_object(Bucket=LAKE_BUCKET, Key=f"{_prefix(settings)}/analytics/current.json")["Body"]
        .read()
    )
    assert pointer["run_id"] == "run-1" and pointer["as_of"] == "2025-03-15"
    assert pointer["snapshots"] == snapshot_ids

    # the API: one read of every mart, at the pointer's snapshots, when it starts
    from services.analytics.main import app

    before = len(executed())
    queue(mart_results(bundle))
    with TestClient(app) as client:
        reads = executed()[before:]
        assert reads == [athena_mart_sql("bi_marts", m, snapshot_ids[m]) for m in MARTS]
        body = client.get("/dashboard-ejecutivo", headers=analista).json()
        assert body["run_id"] == "run-1"
        assert body["por_moneda"][0]["saldo_total"] == "150.01"  # typed back from Athena
        for _ in range(20):
            for route in ("/top-cuentas", "/actividad-diaria?moneda=PEN", "/frescura"):
                assert client.get(route, headers=analista).status_code == 200
        assert client.get("/calidad", headers=analista).json()["ejecucion"] == "run-1"
        client.app.state.cache.refresh()  # the pointer did not change: no query
        assert len(executed()) == before + len(MARTS)

        # the next run: a new pointer, one more read
        newer = make_bundle("run-2", saldo_pen="200.00")
        record_run(settings, "run-2", [], ok=True)
        queue([([("snapshot_id", "bigint")], [[2000 + i]]) for i in range(len(MARTS))])
        queue([mart_results(newer)[0]])
        publish(settings, "run-2")
        queue(mart_results(newer))
        assert client.app.state.cache.refresh()
        body = client.get("/dashboard-ejecutivo", headers=analista).json()
        assert body["run_id"] == "run-2" and body["por_moneda"][0]["saldo_total"] == "200.00"
        assert executed()[-1] == athena_mart_sql("bi_marts", MARTS[-1], 2000 + len(MARTS) - 1)


def test_a_failed_athena_read_keeps_the_previous_snapshot(aws, analista):
    settings, queue, _ = aws
    record_run(settings, "run-1", [], ok=True)
    queue([([("snapshot_id", "bigint")], [[1]]) for _ in MARTS])
    queue([mart_results(make_bundle("run-1"))[0]])
    publish(settings, "run-1")
    from services.analytics.main import app

    queue(mart_results(make_bundle("run-1")))
    with TestClient(app) as client:
        assert client.get("/frescura", headers=analista).json()["run_id"] == "run-1"
        queue([([("snapshot_id", "bigint")], [[2]]) for _ in MARTS])
        queue([mart_results(make_bundle("run-2"))[0]])
        publish(settings, "run-2")
        # nothing queued for the marts: Athena answers no rows, the snapshot cannot be built
        assert not client.app.state.cache.refresh()
        assert client.get("/frescura", headers=analista).json()["run_id"] == "run-1"


def _prefix(settings) -> str:
    return settings.effective_lake_url.removeprefix(f"s3://{LAKE_BUCKET}/")
