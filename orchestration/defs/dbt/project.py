"""The dbt project as Dagster sees it, and the environment dbt runs with.

This module imports nothing that needs the manifest, so set-up can build it with
``dagster-dbt project prepare-and-package --file orchestration/defs/dbt/project.py`` (which
runs ``dbt parse``); importing the definitions never parses the project.

``dbt_project/profiles.yml`` reads its connection details from the environment. They are
derived from the settings here, in one place, for every runner (the Dagster assets, the
tests, set-up): ``dbt_env(settings)``. Set-up runs ``python -m orchestration.defs.dbt.project``,
which is ``prepare-and-package`` with that environment (so runs can parse partially).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from services.common.settings import REPO_ROOT, Settings, get_settings

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def dbt_target(settings: Settings) -> str:
    """``athena`` in AWS, ``local`` (DuckDB) otherwise."""
    return "athena" if settings.env == "aws" else "local"


def duckdb_path(settings: Settings) -> Path:
    """The DuckDB file dbt builds the models in (local target)."""
    return settings.var_dir / "dbt" / "cloudbank.duckdb"


def catalog_file(settings: Settings) -> Path:
    """The raw layer's local catalog (DuckDB views raw.<table>), attached read-only by dbt."""
    from orchestration.lib.resources import catalog_path

    return catalog_path(settings.var_dir)


def dbt_env(settings: Settings | None = None) -> dict[str, str]:
    """The variables profiles.yml reads, derived from the settings."""
    settings = settings or get_settings()
    return {
        "CLOUDBANK_DBT_TARGET": dbt_target(settings),
        "CLOUDBANK_DBT_DUCKDB_PATH": str(duckdb_path(settings)),
        "CLOUDBANK_DBT_CATALOG_PATH": str(catalog_file(settings)),
        "CLOUDBANK_GLUE_DATABASE": settings.glue_database,
        "CLOUDBANK_MARTS_DATABASE": settings.marts_database,
        "CLOUDBANK_AWS_REGION": settings.aws_region,
        "CLOUDBANK_ATHENA_WORKGROUP": settings.athena_workgroup,
        "CLOUDBANK_ATHENA_RESULTS_URL": settings.athena_results_url,
        "CLOUDBANK_ATHENA_MARTS_URL": settings.athena_marts_url,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def export_dbt_env(settings: Settings | None = None, **extra: str) -> None:
    """Put ``dbt_env`` (and ``extra``) into this process's environment, which dbt
    subprocesses inherit (dagster-dbt passes ``os.environ`` on)."""
    env = {**dbt_env(settings), **extra}
    duckdb_file = Path(env["CLOUDBANK_DBT_DUCKDB_PATH"])  # dbt does not create its folder
    duckdb_file.parent.mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    # dagster-dbt's manifest preparer runs `dbt` from PATH, which may not include the venv
    venv_bin = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if venv_bin not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, (venv_bin, path)))


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


_PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests")


def manifest_is_stale(project: DbtProject = dbt_project) -> bool:
    """True when the manifest is missing or older than a file of the project."""
    manifest = Path(project.manifest_path)
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _PROJECT_INPUTS:
        path = Path(project.project_dir) / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        if any(f.is_file() and f.stat().st_mtime > built for f in files):
            return True
    return False


def prepare(settings: Settings | None = None, *, only_if_stale: bool = False) -> bool:
    """Build the manifest (``dbt parse``) with the environment runs will have, so that runs
    can parse partially. Returns whether it ran."""
    if only_if_stale and not manifest_is_stale():
        return False
    export_dbt_env(settings or get_settings())
    dbt_project.preparer.prepare(dbt_project)
    return True


def prune_targets(keep: int = 5) -> None:
    """dagster-dbt gives each invocation its own target folder; keep only the newest few."""
    import shutil

    target = Path(dbt_project.project_dir) / dbt_project.target_path
    runs = sorted(
        (p for p in target.glob("cloudbank_dbt-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    """``python -m orchestration.defs.dbt.project``: build the manifest (set-up);
    ``--env``: print the environment as shell exports, to run dbt by hand."""
    import argparse
    import shlex

    parser = argparse.ArgumentParser(prog="python -m orchestration.defs.dbt.project")
    parser.add_argument("--env", action="store_true", help="print `export` lines for dbt")
    args = parser.parse_args(argv)
    if args.env:
        for key, value in dbt_env().items():
            print(f"export {key}={shlex.quote(value)}")
        return
    prepare()
    print(f"dbt manifest: {dbt_project.manifest_path}")


if __name__ == "__main__":
    main()
