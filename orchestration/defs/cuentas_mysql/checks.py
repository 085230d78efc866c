"""Blocking checks of the ``cuentas`` raw tables: GX suite and reconciliation each, and the
ledger invariant saldo = Σ movimientos for every account."""

import dagster as dg

from ingestion.tables import CUENTAS, MOVIMIENTOS, tables_of
from orchestration.defs.cuentas_mysql.resources import SOURCE_KEY
from orchestration.lib.raw import build_balance_check, build_raw_checks

SOURCE = "cuentas"


@dg.definitions
def defs() -> dg.Definitions:
    checks = [build_raw_checks(spec, SOURCE_KEY) for spec in tables_of(SOURCE)]
    checks.append(build_balance_check(CUENTAS, MOVIMIENTOS, SOURCE_KEY))
    return dg.Definitions(asset_checks=checks)
