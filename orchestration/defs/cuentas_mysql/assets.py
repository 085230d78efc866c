"""Raw assets of the ``cuentas`` source: one per table, keys ``["raw", "cuentas", <table>]``."""

import dagster as dg

from ingestion.tables import tables_of
from orchestration.defs.cuentas_mysql.resources import SOURCE_KEY
from orchestration.lib.raw import build_raw_asset

SOURCE = "cuentas"


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[build_raw_asset(spec, SOURCE_KEY) for spec in tables_of(SOURCE)])
