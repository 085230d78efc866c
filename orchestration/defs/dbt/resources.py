"""The dbt CLI resource. Nothing is read from the settings here: the environment dbt runs
with (profiles.yml reads it) is derived at run time by the assets (``run_env``)."""

import shutil
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version

from orchestration.defs.dbt.project import dbt_project


def dbt_executable() -> str:
    """The ``dbt`` of this Python environment (PATH may not include the venv)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


class CloudbankDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs it pays on every ``cli`` call
    (3–8 s each on two cores): it runs ``dbt --version`` in a subprocess to learn which dbt
    it drives, which here is always the dbt-core of this environment; and it builds a dbt
    adapter in this process, used only to fetch column metadata, which we do not fetch."""

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_resource() -> DbtCliResource:
    return CloudbankDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=dbt_executable(),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"dbt": dbt_resource()})
