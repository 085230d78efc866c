"""``dbt docs generate`` for the build that just ran, in this process.

dbt is already imported here (dagster-dbt loads it), and the build's target folder holds its
compiled manifest, so the docs need neither a new dbt process nor a compile (``--no-compile``):
about 2 s instead of 10–16 s. dbt-duckdb keeps its DuckDB database open for the life of the
process, which would lock the warehouse against the next run's ``dbt build``; it is closed
when the docs are written.
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.defs.dbt.project import dbt_project


def generate_docs(target_path: Path, vars_: dict[str, str]) -> Path | None:
    """Write ``static_index.html`` into ``target_path``; its path, or None if dbt failed."""
    from dbt.cli.main import dbtRunner

    args = ["docs", "generate", "--static", "--no-compile", "--quiet"]
    args += ["--target-path", str(target_path)]
    args += ["--project-dir", str(dbt_project.project_dir)]
    args += ["--profiles-dir", str(dbt_project.profiles_dir)]
    if vars_:
        args += ["--vars", json.dumps(vars_)]
    try:
        result = dbtRunner().invoke(args)
    finally:
        _release_duckdb()
    index = target_path / "static_index.html"
    return index if result.success and index.exists() else None


def _release_duckdb() -> None:
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()
