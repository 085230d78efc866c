"""``python -m services.transacciones.migrate``: create the collection's indexes (idempotent).

The service also does this at startup; this entry point is for deployments that prepare the
store before starting the service."""

from __future__ import annotations

import asyncio

from services.common.settings import get_settings
from services.transacciones import db


async def migrate() -> None:
    settings = get_settings()
    mongo = db.client(settings)
    try:
        await db.ensure_indexes(db.collection(mongo, settings))
    finally:
        await mongo.close()


if __name__ == "__main__":
    asyncio.run(migrate())
