"""Blocking checks of the ``transacciones`` raw table: GX suite and reconciliation."""

import dagster as dg

from ingestion.tables import tables_of
from orchestration.defs.transacciones_mongo.resources import SOURCE_KEY
from orchestration.lib.raw import build_raw_checks

SOURCE = "transacciones"


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        asset_checks=[build_raw_checks(spec, SOURCE_KEY) for spec in tables_of(SOURCE)]
    )
