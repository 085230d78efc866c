"""The dbt models as Dagster assets, and the analytics snapshot they feed.

- ``cloudbank_dbt``: every model of dbt_project. Sources map to the raw assets through their
  ``meta.dagster.asset_key`` (["raw", source, table]), so the models sit downstream of the
  extraction and its blocking checks. dbt tests become asset checks; error-severity ones are
  blocking (and in dbt itself the ledger identities gate every KPI mart). One ``dbt build``
  per run, with the KPI day and the run's partition window (its business dates) as
  ``--vars``. Its outcome (every test, passed or failed) is recorded for /calidad before the
  step ends; a failed build fails the step, so nothing downstream runs.
- ``analytics_snapshot``: after a passing build, the KPI marts are read once and published
  (the analytics API swaps to them), with the run's dbt docs.

The lake is the ``lake`` resource's (as for the raw assets); the rest comes from the settings.
"""

# no `from __future__ import annotations`: Dagster reads the config annotation at runtime
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.dbt.docs import generate_docs
from orchestration.defs.dbt.hooks import raw_checks
from orchestration.defs.dbt.project import dbt_project, duckdb_path, export_dbt_env, prune_targets
from orchestration.defs.dbt.vars import dbt_vars
from orchestration.lib.partitions import RANGE_END_TAG, RANGE_START_TAG
from orchestration.lib.resources import CatalogResource, LakeResource
from services.analytics.publish import publish, record_run, store_docs
from services.analytics.quality import checks_from_run_results
from services.analytics.store import MARTS, Check
from services.common.settings import Settings, get_settings

LAYERS = ("staging", "intermediate", "marts")


class CloudbankDbtTranslator(DagsterDbtTranslator):
    """Models are keyed ``[layer, model]`` (e.g. ``["marts", "kpi_dashboard_monedas"]``) and
    grouped by layer; sources keep the raw assets' keys from their meta."""

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        fqn = props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 and fqn[1] in LAYERS else "dbt"

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_group_name(dbt_resource_props)
        return f"dbt_{self._layer(dbt_resource_props)}"


TRANSLATOR = CloudbankDbtTranslator()
SNAPSHOT_KEY = dg.AssetKey(["analytics", "snapshot"])


class DbtBuildConfig(dg.Config):
    """Run configuration of ``cloudbank_dbt`` (all optional)."""

    as_of_date: str | None = None  # the KPIs' "today" (ISO date); default: current UTC date
    min_dt: str | None = None  # partition window of the facts (ISO dates, inclusive);
    max_dt: str | None = None  # default: the run's business dates, if it has them
    full_refresh: bool = False  # rebuild the incremental facts from scratch


def build_vars(tags: Mapping[str, str], config: DbtBuildConfig) -> dict[str, str]:
    """The run's ``--vars``: the window from the config, else from the run's partition range
    (the pipeline's runs cover business dates start..end), else none."""
    if config.min_dt or config.max_dt:
        if not (config.min_dt and config.max_dt):
            raise dg.Failure("min_dt and max_dt go together")
        window = (config.min_dt, config.max_dt)
    elif RANGE_START_TAG in tags and RANGE_END_TAG in tags:
        window = (tags[RANGE_START_TAG], tags[RANGE_END_TAG])
    else:
        window = None
    return dbt_vars(as_of_date=config.as_of_date, window=window)


def run_settings(lake: LakeResource) -> Settings:
    """The settings, with the lake of the ``lake`` resource (tests point it elsewhere)."""
    return get_settings().model_copy(update={"lake_url": lake.get().url})


def warehouse_path(settings: Settings, catalog: CatalogResource) -> Path:
    """dbt's DuckDB file: ``var/dbt/cloudbank.duckdb``, or beside a catalog the run points
    elsewhere (a warehouse belongs to the raw layer it was built from: its incremental facts
    must never mix two lakes)."""
    if catalog.duckdb_path:
        return Path(catalog.duckdb_path).parent / "dbt_cloudbank.duckdb"
    return duckdb_path(settings)


def _export_env(settings: Settings, lake: LakeResource, catalog: CatalogResource) -> None:
    """dbt's environment: the settings, with the lake and catalog of the run's resources."""
    extra = {"CLOUDBANK_DBT_DUCKDB_PATH": str(warehouse_path(settings, catalog))}
    if lake.endpoint_url:
        extra["AWS_ENDPOINT_URL"] = lake.endpoint_url
    if catalog.duckdb_path:
        extra["CLOUDBANK_DBT_CATALOG_PATH"] = catalog.duckdb_path
    export_dbt_env(settings, **extra)


def _vars_args(vars_: dict[str, str]) -> list[str]:
    return ["--vars", json.dumps(vars_)] if vars_ else []


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=TRANSLATOR,
    name="cloudbank_dbt",
)
def cloudbank_dbt(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    lake: LakeResource,
    catalog: CatalogResource,
    config: DbtBuildConfig,
) -> Iterator[Any]:
    settings = run_settings(lake)
    _export_env(settings, lake, catalog)
    vars_ = build_vars(context.run.tags, config)
    context.log.info(f"dbt vars: {vars_ or 'none'}")
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
    # with the raw layer's checks of this run (none when the run did not extract)
    checks = [*raw_checks(lake, context.run.run_id), *checks]
    record = record_run(settings, context.run.run_id, checks, ok=ok)
    prune_targets()
    if not record.ok:
        failed = [c for c in checks if not c.ok and c.estado in ("fail", "error")]
        raise dg.Failure(
            description=f"dbt build failed: {len(failed)} failing checks or models",
            metadata={"failed": dg.MetadataValue.json([c.__dict__ for c in failed[:50]])},
        )
    # the docs of what was just built, from the build's own target folder
    static_index = generate_docs(Path(invocation.target_path), vars_)
    if static_index is not None:
        store_docs(settings, context.run.run_id, static_index)
    else:
        context.log.warning("dbt docs generate failed; the run publishes no docs")


@dg.asset(
    key=SNAPSHOT_KEY,
    deps=[dg.AssetKey(["marts", mart]) for mart in MARTS],
    group_name="analytics",
    kinds={"python"},
    description=(
        "The KPI marts of this run, read once and published for the analytics API (which "
        "swaps to them atomically). Runs only after a dbt build whose checks passed."
    ),
)
def analytics_snapshot(
    context: dg.AssetExecutionContext, lake: LakeResource, catalog: CatalogResource
) -> dg.MaterializeResult:
    settings = run_settings(lake)
    bundle = publish(settings, context.run.run_id, duckdb_path=warehouse_path(settings, catalog))
    metadata: dict[str, Any] = {"run_id": context.run.run_id}
    if bundle is not None:
        metadata["as_of"] = bundle.as_of
        metadata["rows"] = dg.MetadataValue.json({k: len(v) for k, v in bundle.marts.items()})
    return dg.MaterializeResult(metadata=metadata)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[cloudbank_dbt, analytics_snapshot])
