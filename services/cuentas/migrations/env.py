"""Alembic environment of cuentas: runs on the connection handed over by migrate.py (which
holds the migration lock), or opens its own from the settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from services.common.settings import get_settings
from services.cuentas.db import CONNECT_ARGS
from services.cuentas.models import metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(get_settings().mysql_dsn, connect_args=CONNECT_ARGS)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported for cuentas")
run_migrations_online()
