"""Blocking checks of the ``clientes`` raw tables: GX suite and reconciliation each."""

import dagster as dg

from ingestion.tables import tables_of
from orchestration.defs.clientes_pg.resources import SOURCE_KEY
from orchestration.lib.raw import build_raw_checks

SOURCE = "clientes"


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        asset_checks=[build_raw_checks(spec, SOURCE_KEY) for spec in tables_of(SOURCE)]
    )
