"""The pipeline as two jobs, each in one process: the raw layer (every raw asset and its
blocking checks, over a range of business dates), then the marts (dbt build with its tests as
blocking checks, and the analytics snapshot), launched after each successful raw run with that
run's business dates as the facts' window (``sensors.marts_after_raw``, ``cloudbank
pipeline``).

Two runs rather than one: a run over a partition range plans one event per asset *and day*
(the SQLite event log stores no partition subsets), so the thirty-odd dbt assets would multiply
the planning of a long range; the marts run is unpartitioned."""

import dagster as dg

from orchestration.defs.dbt.hooks import record_failed_run

RAW = dg.AssetSelection.groups("raw_clientes", "raw_cuentas", "raw_transacciones")
MARTS = dg.AssetSelection.groups("dbt_staging", "dbt_intermediate", "dbt_marts", "analytics")

raw_pipeline = dg.define_asset_job(
    "raw_pipeline",
    selection=RAW,
    description="Extract every source table into the lake, register it, run the blocking checks.",
    executor_def=dg.in_process_executor,
    hooks={record_failed_run},  # a run stopped here still reaches the analytics' /calidad
    tags={"dagster/max_retries": 0},
)

marts_pipeline = dg.define_asset_job(
    "marts_pipeline",
    selection=MARTS,
    description=(
        "dbt build over the raw catalog (its tests as blocking checks), then publish the "
        "analytics snapshot. Launched after each successful raw_pipeline run."
    ),
    executor_def=dg.in_process_executor,
    tags={"dagster/max_retries": 0},
)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(jobs=[raw_pipeline, marts_pipeline])
