"""The whole pipeline as one job: every raw asset and its checks, in one process."""

import dagster as dg

RAW = dg.AssetSelection.groups("raw_clientes", "raw_cuentas", "raw_transacciones")

raw_pipeline = dg.define_asset_job(
    "raw_pipeline",
    selection=RAW,
    description="Extract every source table into the lake, register it, run the blocking checks.",
    executor_def=dg.in_process_executor,
    tags={"dagster/max_retries": 0},
)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(jobs=[raw_pipeline])
