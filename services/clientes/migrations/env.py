"""Alembic environment of the clientes database (online migrations only)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from services.clientes.db import CONNECT_ARGS
from services.clientes.models import Base
from services.common.settings import get_settings

# any constant, shared by every process that migrates this database
MIGRATION_LOCK_ID = 0x636C69656E746573  # "clientes"


def run_migrations_online() -> None:
    settings = context.config.attributes.get("settings") or get_settings()
    url = settings.postgres_dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, poolclass=NullPool, connect_args=CONNECT_ARGS)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            # serialise concurrent runs: the second one waits, then finds the database at head
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
