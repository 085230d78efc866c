"""The dbt CLI resource, running the project with the environment derived from the settings."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource

from orchestration.defs.dbt.project import dbt_project, export_dbt_env
from services.common.settings import Settings, get_settings


def dbt_executable() -> str:
    """The ``dbt`` of this Python environment (PATH may not include the venv)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_resource(settings: Settings | None = None) -> DbtCliResource:
    export_dbt_env(settings or get_settings())
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=dbt_executable(),
    )


resources = {"dbt": dbt_resource}
