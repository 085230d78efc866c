"""The dbt models as Dagster assets, and the analytics snapshot they feed.

- ``cloudbank_dbt``: every model of dbt_project. Sources map to the raw assets through their
  ``meta.dagster.asset_key`` (["raw", source, table]), so the models sit downstream of the
  extraction. dbt tests become asset checks; error-severity ones are blocking. One
  ``dbt build`` per run, with the KPI day and the partition window as ``--vars``. Its outcome
  (every test, passed or failed) is recorded for /calidad before the step ends; a failed build
  fails the step, so nothing downstream runs.
- ``analytics_snapshot``: after a passing build, the KPI marts are read once and published
  (the analytics API swaps to them); with the run's dbt docs.
"""

# no `from __future__ import annotations`: Dagster reads the config annotation at runtime
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.dbt.project import dbt_project, duckdb_path
from orchestration.defs.dbt.vars import dbt_vars, window_of_partitions
from services.analytics.publish import publish, record_run, store_docs
from services.analytics.quality import checks_from_run_results
from services.analytics.store import MARTS, Check
from services.common.settings import get_settings

LAYERS = ("staging", "intermediate", "marts")


class CloudbankDbtTranslator(DagsterDbtTranslator):
    """Models are keyed ``[layer, model]`` (e.g. ``["marts", "kpi_dashboard_monedas"]``) and
    grouped by layer; sources keep the raw assets' keys from their meta."""

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        fqn = props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 and fqn[1] in LAYERS else "dbt"

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_group_name(dbt_resource_props)
        return f"dbt_{self._layer(dbt_resource_props)}"


TRANSLATOR = CloudbankDbtTranslator()
SNAPSHOT_KEY = AssetKey(["analytics", "snapshot"])


class DbtBuildConfig(Config):
    """Run configuration of ``cloudbank_dbt`` (all optional)."""

    as_of_date: str | None = None  # the KPIs' "today" (ISO date); default: current UTC date
    min_dt: str | None = None  # partition window of the facts (ISO dates, inclusive)
    max_dt: str | None = None
    full_refresh: bool = False  # rebuild the incremental facts from scratch


def build_vars(context: AssetExecutionContext, config: DbtBuildConfig) -> dict[str, str]:
    window = None
    if context.has_partition_key:  # a partitioned run or backfill: its window of days
        time_window = context.partition_time_window
        window = window_of_partitions(time_window.start.date(), time_window.end.date())
    elif config.min_dt or config.max_dt:
        if not (config.min_dt and config.max_dt):
            raise Failure("min_dt and max_dt go together")
        window = (config.min_dt, config.max_dt)
    return dbt_vars(as_of_date=config.as_of_date, window=window)


def _vars_args(dbt_vars_: dict[str, str]) -> list[str]:
    return ["--vars", json.dumps(dbt_vars_)] if dbt_vars_ else []


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=TRANSLATOR,
    name="cloudbank_dbt",
)
def cloudbank_dbt(
    context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
) -> Iterator[Any]:
    settings = get_settings()
    vars_ = build_vars(context, config)
    args = ["build", *_vars_args(vars_), *(["--full-refresh"] if config.full_refresh else [])]
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    yield from invocation.stream()

    ok = invocation.is_successful()
    try:
        checks = checks_from_run_results(
            invocation.get_artifact("run_results.json"), invocation.manifest
        )
    except (OSError, ValueError):  # dbt stopped before running anything (e.g. a compile error)
        checks = []
    if not ok and not any(not c.ok for c in checks):
        checks.append(
            Check(nombre="dbt build", origen="dbt", ok=False, detalle="dbt exited with an error")
        )
    record = record_run(settings, context.run_id, checks, ok=ok)
    failed = [c for c in checks if not c.ok and c.severidad == "error"]
    if not record.ok:
        raise Failure(
            description=f"dbt build failed: {len(failed)} failing checks or models",
            metadata={"failed": MetadataValue.json([c.__dict__ for c in failed[:50]])},
        )
    if ok:  # the docs of what was just built, kept with the run's snapshot
        docs = dbt.cli(
            ["docs", "generate", "--static", *_vars_args(vars_)],
            target_path=Path(invocation.target_path),  # reuses the build's parse
            raise_on_error=False,
        ).wait()
        static_index = Path(docs.target_path) / "static_index.html"
        if docs.is_successful() and static_index.exists():
            store_docs(settings, context.run_id, static_index)
        else:
            context.log.warning("dbt docs generate failed; the run publishes no docs")


@asset(
    key=SNAPSHOT_KEY,
    deps=[AssetKey(["marts", mart]) for mart in MARTS],
    group_name="analytics",
    kinds={"python", "json"},
    description=(
        "The KPI marts of this run, read once and published for the analytics API (which "
        "swaps to them atomically). Only runs after a dbt build whose checks passed."
    ),
)
def analytics_snapshot(context: AssetExecutionContext) -> MaterializeResult:
    settings = get_settings()
    bundle = publish(settings, context.run_id, duckdb_path=duckdb_path(settings))
    metadata: dict[str, Any] = {"run_id": context.run_id}
    if bundle is not None:
        metadata["as_of"] = bundle.as_of
        metadata["rows"] = MetadataValue.json({k: len(v) for k, v in bundle.marts.items()})
    return MaterializeResult(metadata=metadata)
