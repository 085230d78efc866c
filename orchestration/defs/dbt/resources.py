"""The dbt CLI resource. Nothing is read from the settings here: the environment dbt runs
with (profiles.yml reads it) is derived at run time by the assets (``run_env``)."""

import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.dbt.project import dbt_project


def dbt_executable() -> str:
    """The ``dbt`` of this Python environment (PATH may not include the venv)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=dbt_executable(),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"dbt": dbt_resource()})
