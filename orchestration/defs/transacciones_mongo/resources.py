"""The connection to the ``transacciones`` source database."""

import dagster as dg

from orchestration.lib.resources import MongoSource

SOURCE_KEY = "transacciones_db"


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={SOURCE_KEY: MongoSource()})
