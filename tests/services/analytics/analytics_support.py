"""Helpers of the analytics tests: settings over a temporary var dir and lake, and one real
pipeline run (Dagster: dbt build with its checks, then the snapshot publisher)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analytics_lake import AS_OF, Bank

from services.common.settings import Settings, get_settings


@contextlib.contextmanager
def settings_env(**values: str) -> Iterator[Settings]:
    """Settings from these CLOUDBANK_* values (the pipeline reads get_settings()); the whole
    environment is restored afterwards (dbt's variables are exported into it too)."""
    saved = dict(os.environ)
    os.environ.update({f"CLOUDBANK_{k.upper()}": v for k, v in values.items()})
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()


@dataclass
class PipelineRun:
    run_id: str
    success: bool
    result: object


def run_marts_pipeline(as_of: str = AS_OF.isoformat()) -> PipelineRun:
    """dbt build (checks as asset checks) and the snapshot publisher, in process, once."""
    from dagster import DagsterInstance, materialize

    from orchestration.defs.dbt.project import prepare

    prepare(only_if_stale=True)  # the definitions below read the manifest when imported
    from orchestration.defs.dbt.assets import analytics_snapshot, cloudbank_dbt
    from orchestration.defs.dbt.resources import dbt_resource
    from orchestration.lib.resources import CatalogResource, LakeResource

    result = materialize(
        [cloudbank_dbt, analytics_snapshot],
        resources={"dbt": dbt_resource(), "lake": LakeResource(), "catalog": CatalogResource()},
        run_config={"ops": {"cloudbank_dbt": {"config": {"as_of_date": as_of}}}},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return PipelineRun(result.run_id, result.success, result)


@dataclass
class Published:
    """A var dir whose snapshot store holds one published run over ``bank``'s lake."""

    bank: Bank
    lake: Path
    var_dir: Path
    run: PipelineRun

    def env(self, **extra: str) -> dict[str, str]:
        return {"var_dir": str(self.var_dir), "lake_url": self.lake.as_uri(), **extra}
