"""Apply the clientes migrations: ``python -m services.clientes.migrate``.

Idempotent (a database at head is left alone) and safe to run concurrently (the migrations
take an advisory lock).
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from services.common.settings import Settings, get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # passed as an attribute, not an option: ConfigParser would interpolate '%' in passwords
    config.attributes["settings"] = settings or get_settings()
    return config


def upgrade(settings: Settings | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    revision = args[0] if args else "head"
    upgrade(revision=revision)
    print(f"clientes: database migrated to {revision}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
