"""The connection to the ``clientes`` source database."""

import dagster as dg

from orchestration.lib.resources import PostgresSource

SOURCE_KEY = "clientes_db"


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={SOURCE_KEY: PostgresSource()})
