"""The whole pipeline as one job, in one process: every raw asset and its checks, then dbt
(models, tests as blocking checks) and the analytics snapshot."""

import dagster as dg

RAW = dg.AssetSelection.groups("raw_clientes", "raw_cuentas", "raw_transacciones")
MARTS = dg.AssetSelection.groups("dbt_staging", "dbt_intermediate", "dbt_marts", "analytics")

raw_pipeline = dg.define_asset_job(
    "raw_pipeline",
    selection=RAW | MARTS,
    description=(
        "Extract every source table into the lake, register it, run the blocking checks; "
        "then dbt build (its tests as blocking checks) and publish the analytics snapshot."
    ),
    executor_def=dg.in_process_executor,
    tags={"dagster/max_retries": 0},
)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(jobs=[raw_pipeline])
