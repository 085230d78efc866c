"""The factory behind every raw asset and its checks: one ``TableSpec`` in, one asset (extract
→ PII → Parquet partitions → catalog) and its blocking checks out."""

from datetime import date, timedelta

import dagster as dg

from ingestion.load import LoadResult, TableLoader
from ingestion.tables import Kind, TableSpec
from orchestration.lib.partitions import DAILY, dates_of, today
from quality import checks as quality_checks

RETRY = dg.RetryPolicy(
    max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
SHARED_RESOURCES = {"lake", "catalog", "pii"}


class RawConfig(dg.Config):
    """Run options of a raw asset."""

    full_refresh: bool = False
    lookback_minutes: int = 5
    snapshot_date: str | None = None  # snapshot tables: the dt to write (default: today, UTC)
    catch_up: bool = True  # event tables: an empty lake first gets the whole history


def group_name(spec: TableSpec) -> str:
    return f"raw_{spec.source}"


def _metadata(spec: TableSpec, result: LoadResult, table_uri: str) -> dict:
    written = result.written
    partitions = result.partitions
    shown = partitions if len(partitions) <= 20 else partitions[:5] + partitions[-15:]
    lines = ["| dt | action | rows | bytes |", "|---|---|---:|---:|"] + [
        f"| {p.dt} | {p.action} | {p.rows} | {p.bytes} |" for p in shown
    ]
    return {
        "dagster/row_count": result.rows,
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(name, str(t), description=description or None)
                for name, t, _, description in spec.lake_columns
            ]
        ),
        "path": dg.MetadataValue.path(table_uri),
        "rows_extracted": result.rows_extracted,
        "rows_inserted": result.rows_inserted,
        "rows_updated": result.rows_updated,
        "bytes": result.bytes,
        "partitions": len(partitions),
        "partitions_written": len(written),
        "first_dt": partitions[0].dt if partitions else None,
        "last_dt": partitions[-1].dt if partitions else None,
        "watermark": result.watermark,
        "seconds": round(result.seconds, 3),
        "rows_per_second": round(result.rows_extracted / result.seconds) if result.seconds else 0,
        "partitions_detail": dg.MetadataValue.md("\n".join(lines)),
    }


def build_raw_asset(spec: TableSpec, source_key: str) -> dg.AssetsDefinition:
    events = spec.kind is Kind.EVENTS

    @dg.asset(
        key=spec.asset_key,
        group_name=group_name(spec),
        description=spec.description,
        kinds={spec.engine, "parquet"},
        partitions_def=DAILY if events else None,
        backfill_policy=dg.BackfillPolicy.single_run() if events else None,
        retry_policy=RETRY,
        required_resource_keys=SHARED_RESOURCES | {source_key},
        metadata={
            "partition_expr": "dt",
            "lake_prefix": spec.lake_prefix,
            "primary_key": spec.primary_key,
            "kind": spec.kind.value,
            "catalog_table": f"raw.{spec.name}",
        },
        tags={"layer": "raw", "source": spec.source},
    )
    def _raw(context: dg.AssetExecutionContext, config: RawConfig) -> dg.MaterializeResult:
        lake = context.resources.lake.get()
        extractor = getattr(context.resources, source_key).get()
        loader = TableLoader(
            spec,
            extractor,
            lake,
            context.resources.pii.get(),
            context.run.run_id,
            lookback=timedelta(minutes=config.lookback_minutes),
        )
        try:
            if events:
                start, end = dates_of(context.partition_key_range)
                result = loader.load_events(
                    start, end, full_refresh=config.full_refresh, catch_up=config.catch_up
                )
            else:
                day = date.fromisoformat(config.snapshot_date) if config.snapshot_date else today()
                result = loader.load_snapshot(day, full_refresh=config.full_refresh)
        finally:
            extractor.close()
        context.resources.catalog.get(lake).register(spec, [p.dt for p in result.written])
        context.log.info(f"{spec.key}: {result.summary()}")
        return dg.MaterializeResult(
            metadata=_metadata(spec, result, lake.uri(lake.table_path(spec)))
        )

    return _raw


def _check_dts(context: dg.AssetCheckExecutionContext, spec: TableSpec, lake) -> list[str]:
    """The partitions this run wrote or confirmed: for an event table, the dates its
    materialization in this run reports (a first load also writes the history before the
    run's range), else the run's range; for a snapshot table, the newest snapshot."""
    if spec.kind is Kind.EVENTS:
        first, last = None, None
        event = context.instance.get_latest_materialization_event(dg.AssetKey(spec.asset_key))
        if event is not None and event.run_id == context.run.run_id:
            metadata = event.asset_materialization.metadata
            if "first_dt" in metadata and "last_dt" in metadata:
                first = date.fromisoformat(metadata["first_dt"].value)
                last = date.fromisoformat(metadata["last_dt"].value)
        op = context.op_execution_context
        if first is None and (op.has_partition_key_range or op.has_partition_key):
            first, last = dates_of(op.partition_key_range)
        if first is not None:
            return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    return lake.partitions(spec)[-1:]


def _result(outcome, **key) -> dg.AssetCheckResult:
    """A check's outcome as Dagster's result (``key``: check_name and asset_key, for the
    results of a multi-check step)."""
    metadata = {k: v for k, v in outcome.stats.items() if v is not None and not isinstance(v, dict)}
    for name, value in outcome.stats.items():
        if isinstance(value, dict):
            metadata[name] = dg.MetadataValue.json(value)
    if outcome.failures:
        metadata["failures"] = dg.MetadataValue.md(
            "\n".join(f"- {f}" for f in outcome.failures[:50])
        )
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.description[:2000],
        metadata=metadata,
        **key,
    )


def build_raw_checks(spec: TableSpec, source_key: str) -> dg.AssetChecksDefinition:
    """The suite and the reconciliation of a raw table: two blocking checks, evaluated by one
    step that reads the lake window and the source once for both."""
    specs = [
        dg.AssetCheckSpec(
            "gx_suite",
            asset=spec.asset_key,
            blocking=True,
            description=f"Great Expectations suite of {spec.key}: schema and types, not-null "
            "keys, unique ids, accepted values, ranges, no future instants, row count = "
            "source's.",
        ),
        dg.AssetCheckSpec(
            "reconciliation",
            asset=spec.asset_key,
            blocking=True,
            description=f"{spec.key} in the lake equals the source at the lake's watermark: "
            "row count and money sums per currency.",
        ),
    ]

    @dg.multi_asset_check(
        specs=specs,
        name=f"{spec.source}_{spec.name}_checks",
        required_resource_keys={"lake", "quality", source_key},
    )
    def _checks(context: dg.AssetCheckExecutionContext):
        lake = context.resources.lake.get()
        extractor = getattr(context.resources, source_key).get()
        try:
            outcomes = quality_checks.table_checks(
                spec,
                lake,
                extractor,
                context.resources.quality.get(),
                _check_dts(context, spec, lake),
                context.run.run_id,
            )
        finally:
            extractor.close()
        for check_spec, outcome in zip(specs, outcomes, strict=True):
            yield _result(outcome, check_name=check_spec.name, asset_key=check_spec.asset_key)

    return _checks


def build_balance_check(
    cuentas: TableSpec, movimientos: TableSpec, source_key: str
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=cuentas.asset_key,
        name="balance_equals_journal",
        blocking=True,
        additional_deps=[movimientos.asset_key],
        required_resource_keys={"lake", source_key},
        description="Every account's saldo equals the sum of its journal (movimientos) in the lake.",
    )
    def _balances(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        lake = context.resources.lake.get()
        extractor = getattr(context.resources, source_key).get()
        try:
            dts = lake.partitions(cuentas)
            if not dts:
                return dg.AssetCheckResult(passed=False, description="no cuentas snapshot yet")
            outcome = quality_checks.balance_check(
                cuentas, lake, extractor, dts[-1], context.run.run_id
            )
        finally:
            extractor.close()
        return _result(outcome)

    return _balances
