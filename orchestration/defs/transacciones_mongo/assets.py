"""Raw assets of the ``transacciones`` source: one per table, keys ``["raw", "transacciones", <table>]``."""

import dagster as dg

from ingestion.tables import tables_of
from orchestration.defs.transacciones_mongo.resources import SOURCE_KEY
from orchestration.lib.raw import build_raw_asset

SOURCE = "transacciones"


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[build_raw_asset(spec, SOURCE_KEY) for spec in tables_of(SOURCE)])
