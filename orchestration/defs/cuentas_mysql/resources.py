"""The connection to the ``cuentas`` source database."""

import dagster as dg

from orchestration.lib.resources import MySQLSource

SOURCE_KEY = "cuentas_db"


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={SOURCE_KEY: MySQLSource()})
