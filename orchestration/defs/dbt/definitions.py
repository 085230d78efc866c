"""What defs/dbt contributes to the code location (merged by orchestration/definitions.py)."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job

from orchestration.defs.dbt.assets import analytics_snapshot, cloudbank_dbt
from orchestration.defs.dbt.resources import dbt_resource

#: dbt build, checks and the analytics snapshot, without extracting again.
marts_job = define_asset_job(
    "marts",
    selection=AssetSelection.assets(cloudbank_dbt, analytics_snapshot),
    description="dbt build (tests as blocking checks), then publish the analytics snapshot",
)


def defs() -> Definitions:
    return Definitions(
        assets=[cloudbank_dbt, analytics_snapshot],
        jobs=[marts_job],
        resources={"dbt": dbt_resource()},
    )
