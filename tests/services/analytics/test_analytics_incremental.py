"""The incremental transactions fact: a later run merges what changed (a PENDIENTE that
completed, a new day) by transaccion_id without duplicates; a partition window (the run's
business dates, or a backfill's) reprocesses those partitions even when nothing says they
changed; a full refresh gives the same table as incremental runs."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, timedelta

import duckdb
import pytest
from analytics_lake import AS_OF, _write, at, small_bank

from ingestion.lake import Lake
from orchestration.defs.dbt.project import DBT_PROJECT_DIR
from orchestration.defs.dbt.resources import dbt_executable
from orchestration.lib.resources import catalog_path

pytestmark = pytest.mark.timeout(1200)

SELECT = ["--select", "stg_transacciones__transacciones", "fct_transacciones"]


@pytest.fixture
def warehouse(tmp_path):
    bank = small_bank()
    lake_dir = tmp_path / "lake"
    bank.write(lake_dir, catalog_path(tmp_path))
    env = {
        **os.environ,
        "CLOUDBANK_DBT_TARGET": "local",
        "CLOUDBANK_DBT_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
        "CLOUDBANK_DBT_CATALOG_PATH": str(catalog_path(tmp_path)),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }

    def dbt(*args: str, vars_: dict | None = None) -> None:
        command = [
            dbt_executable(),
            "run",
            *SELECT,
            "--target-path",
            str(tmp_path / "target"),
            *args,
        ]
        if vars_:
            command += ["--vars", json.dumps(vars_)]
        result = subprocess.run(
            command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, result.stdout[-3000:]

    def rows() -> dict[str, tuple]:
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
            data = con.execute(
                "SELECT transaccion_id, estado, monto_centimos FROM marts.fct_transacciones"
            ).fetchall()
        ids = [r[0] for r in data]
        assert len(ids) == len(set(ids)), "duplicate transaction ids"
        return {r[0]: r[1:] for r in data}

    return bank, Lake(lake_dir.as_uri()), dbt, rows


def _rewrite_partition(lake: Lake, bank, day: date, change) -> None:
    """Rewrite one business day of transacciones with ``change`` applied to its rows."""
    rows = [change(dict(r)) for r in bank._transaccion_rows() if r["fecha"].date() == day]
    _write(lake, "transacciones.transacciones", day, rows)


def test_incremental_runs_merge_changes_and_windows_reprocess_partitions(warehouse):
    bank, lake, dbt, rows = warehouse
    dbt()
    first = rows()
    assert len(first) == len(bank.transacciones)
    pending = next(t for t in bank.transacciones if t.estado == "PENDIENTE")
    assert first[pending.transaccion_id][0] == "PENDIENTE"

    later = at(AS_OF + timedelta(days=2))
    # the pending transaction completes (a newer updated_at, in its own old partition)
    _rewrite_partition(
        lake,
        bank,
        pending.fecha.date(),
        lambda r: (
            {**r, "estado": "COMPLETADA", "updated_at": later}
            if r["transaccion_id"] == pending.transaccion_id
            else r
        ),
    )
    # a new day with a new transaction
    new_day = AS_OF + timedelta(days=2)
    template = bank._transaccion_rows()[0]
    new = {
        **template,
        "transaccion_id": "01JTXNEWDAY000000000000001",
        "fecha": later,
        "created_at": later,
        "updated_at": later,
    }
    _write(lake, "transacciones.transacciones", new_day, [new])
    # a silent correction: a partition rewritten without a newer updated_at
    corrected = next(
        t for t in bank.transacciones if t.estado == "COMPLETADA" and t.fecha.date() < AS_OF
    )
    _rewrite_partition(
        lake,
        bank,
        corrected.fecha.date(),
        lambda r: (
            {**r, "monto": r["monto"] + 1} if r["transaccion_id"] == corrected.transaccion_id else r
        ),
    )

    dbt()  # incremental: what changed since the last load
    second = rows()
    assert second[pending.transaccion_id][0] == "COMPLETADA"
    assert second["01JTXNEWDAY000000000000001"] == ("COMPLETADA", template["monto"])
    assert len(second) == len(bank.transacciones) + 1
    assert second[corrected.transaccion_id][1] == corrected.monto  # not seen by the watermark

    day = corrected.fecha.date().isoformat()
    dbt(vars_={"min_dt": day, "max_dt": day})  # the partition window reprocesses that day
    third = rows()
    assert third[corrected.transaccion_id][1] == corrected.monto + 1
    assert len(third) == len(second)

    dbt("--full-refresh")
    assert rows() == third
