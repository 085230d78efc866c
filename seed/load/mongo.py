"""transacciones into MongoDB: unordered ``insert_many`` in batches, indexes built after.

Stays within what nx-27017 (the local wire-protocol server) supports: money as int64
céntimos, no Decimal128; counts through ``estimated_document_count``.
"""

from __future__ import annotations

import time

import pymongo
from pymongo.errors import BulkWriteError, PyMongoError

from seed.dataset import Dataset
from seed.load import LoadError, TableStat, progress
from services.common.settings import Settings
from services.transacciones.db import INDEXES

STORE = "mongo"
COLLECTION = "transacciones"
BATCH = 5_000


def connect(settings: Settings) -> pymongo.MongoClient:
    return pymongo.MongoClient(
        settings.effective_mongo_url, serverSelectionTimeoutMS=5000, tz_aware=True
    )


def collection(client: pymongo.MongoClient, settings: Settings):
    return client[settings.mongo_database][COLLECTION]


def existing_rows(coll) -> int:
    return coll.estimated_document_count()


def reset(coll) -> None:
    """Drop the collection (its indexes are rebuilt after the load)."""
    coll.database.drop_collection(coll.name)


def ensure_indexes(coll) -> None:
    """The transacciones service's own indexes (the ones it creates when it starts)."""
    coll.create_indexes(INDEXES)


def load(coll, dataset: Dataset, show_progress: bool) -> list[TableStat]:
    """Insert the documents into an empty collection, then build the indexes."""
    transacciones = dataset.transacciones
    started = time.perf_counter()
    try:
        if existing_rows(coll):
            raise LoadError(f"MongoDB collection {coll.name!r} is not empty")
        reset(coll)  # drop the empty collection's indexes: building them after is faster
        with progress(COLLECTION, len(transacciones), show_progress) as bar:
            for start in range(0, len(transacciones), BATCH):
                batch = [t.document() for t in transacciones[start : start + BATCH]]
                coll.insert_many(batch, ordered=False)
                bar.update(len(batch))
        loaded = time.perf_counter()
        ensure_indexes(coll)
    except BulkWriteError as exc:
        first = (exc.details.get("writeErrors") or [{}])[0]
        raise LoadError(f"MongoDB rejected the seed data: {first.get('errmsg', exc)}") from exc
    except PyMongoError as exc:
        raise LoadError(f"MongoDB failed while loading the seed data: {exc}") from exc
    finished = time.perf_counter()
    return [
        TableStat(STORE, COLLECTION, len(transacciones), loaded - started),
        TableStat(STORE, f"{COLLECTION} (indexes)", len(transacciones), finished - loaded),
    ]
