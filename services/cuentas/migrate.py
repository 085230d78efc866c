"""Bring the cuentas database to the latest migration: ``python -m services.cuentas.migrate``.

Idempotent, and safe when both instances start at once: the upgrade runs while holding a
MariaDB named lock (GET_LOCK), so the second instance waits, then finds nothing to do.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from services.common.settings import get_settings
from services.cuentas.db import CONNECT_ARGS

LOCK_NAME = "cloudbank.cuentas.migrate"
LOCK_TIMEOUT_S = 120
HERE = Path(__file__).resolve().parent

log = logging.getLogger("cloudbank.cuentas.migrate")


def alembic_config() -> Config:
    config = Config(str(HERE / "alembic.ini"))
    config.set_main_option("script_location", str(HERE / "migrations"))
    return config


def upgrade(revision: str = "head") -> None:
    engine = create_engine(get_settings().mysql_dsn, connect_args=CONNECT_ARGS)
    try:
        with engine.connect() as conn:
            got = conn.execute(
                text("SELECT GET_LOCK(:name, :timeout)"),
                {"name": LOCK_NAME, "timeout": LOCK_TIMEOUT_S},
            ).scalar()
            if got != 1:
                raise SystemExit(f"could not take the migration lock in {LOCK_TIMEOUT_S}s")
            try:
                config = alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                conn.commit()
            finally:
                conn.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": LOCK_NAME})
    finally:
        engine.dispose()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    upgrade(sys.argv[1] if len(sys.argv) > 1 else "head")


if __name__ == "__main__":
    main()
