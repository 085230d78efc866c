"""The AWS path of dbt, checked with no AWS at all: ``dbt compile --target athena
--no-populate-cache`` succeeds offline, and every compiled model and test is valid
Athena (Trino) SQL by sqlglot's parser: no syntax error, no function the Trino dialect
would have to rewrite (a MySQL or DuckDB function), none it does not know, no ``::`` cast."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from analytics_support import athena_problems

from orchestration.defs.dbt.project import DBT_PROJECT_DIR
from orchestration.defs.dbt.resources import dbt_executable

# a dbt run (or compile) per module: minutes on a busy machine
pytestmark = pytest.mark.timeout(1200)

# the original system's daily-activity query (MySQL syntax that failed on Athena)
ORIGINAL_DAILY_ACTIVITY = """
SELECT DATE_FORMAT(fecha, '%Y-%m-%d') AS fecha, tipo, COUNT(*) AS cantidad, SUM(monto) AS monto_total
FROM ms4_ms4_transacciones
WHERE fecha >= DATE_SUB(NOW(), INTERVAL 30 DAY)
GROUP BY DATE_FORMAT(fecha, '%Y-%m-%d'), tipo
"""
DUCKDB_ONLY = "SELECT fecha::date AS dia, strftime(fecha, '%Y') AS y, epoch_ms(1000) FROM t"


def test_the_checker_rejects_mysql_and_duckdb_sql():
    assert athena_problems("SELECT a FROM t WHERE x = ") != []
    mysql = athena_problems(ORIGINAL_DAILY_ACTIVITY)
    assert any("date_sub" in p for p in mysql)
    duck = athena_problems(DUCKDB_ONLY)
    assert any("::" in p for p in duck)
    assert any("strftime" in p or "epoch_ms" in p for p in duck)
    assert athena_problems("SELECT a // b FROM t") != []  # DuckDB's integer division
    # and it accepts plain Trino
    assert (
        athena_problems(
            "SELECT date_add('day', -29, current_date), cast(x AS decimal(15, 2)) * decimal '0.01' "
            "FROM t FOR VERSION AS OF 123"
        )
        == []
    )


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> Path:
    """``dbt compile --target athena --no-populate-cache`` with dummy credentials and an AWS
    endpoint that refuses connections: any call to AWS would fail the compile."""
    target = tmp_path_factory.mktemp("athena-target")
    env = {
        **os.environ,
        "CLOUDBANK_DBT_TARGET": "athena",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_MAX_ATTEMPTS": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    # the incremental branch too, with a partition window: the most SQL there is
    vars_ = {"assume_incremental": True, "min_dt": "2025-03-01", "max_dt": "2025-03-02"}
    result = subprocess.run(
        [
            dbt_executable(),
            "compile",
            "--target",
            "athena",
            "--no-populate-cache",
            "--target-path",
            str(target),
            "--vars",
            json.dumps(vars_),
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return target / "compiled" / "cloudbank"


def test_every_compiled_model_and_test_is_athena_sql(compiled):
    files = sorted(compiled.rglob("*.sql"))
    models = [f for f in files if "/models/" in f.as_posix() and "/marts/" in f.as_posix()]
    assert len(models) >= 20 and len(files) > 100
    problems = {str(f.relative_to(compiled)): athena_problems(f.read_text()) for f in files}
    assert {k: v for k, v in problems.items() if v} == {}


def test_athena_sql_uses_the_glue_tables_iceberg_types_and_exact_money(compiled):
    staging = (compiled / "models/staging/cuentas/stg_cuentas__cuentas.sql").read_text()
    assert '"awsdatacatalog"."cloud_bank"."cuentas"' in staging  # the raw Glue table
    assert "where dt = (select max(dt)" in staging  # the latest snapshot, one max
    assert "decimal '0.01'" in staging and "timestamp(6)" in staging
    fact = (compiled / "models/marts/core/fct_transacciones.sql").read_text()
    assert "between date '2025-03-01' and date '2025-03-02'" in fact
    assert "updated_at >= (select max(updated_at)" in fact
    kpi = (compiled / "models/marts/kpis/kpi_dashboard_monedas.sql").read_text()
    assert '"cloud_bank_marts"."dim_cuentas"' in kpi
    assert "double" not in kpi.lower() and "float" not in kpi.lower()
