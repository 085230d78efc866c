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

STORE = "mongo"
COLLECTION = "transacciones"
BATCH = 5_000

#: The indexes the transacciones API queries need (pymongo's default names).
INDEXES: tuple[tuple[list[tuple[str, int]], dict], ...] = (
    ([("transaccion_id", pymongo.ASCENDING)], {"unique": True}),
    ([("idempotency_key", pymongo.ASCENDING)], {"unique": True}),
    ([("fecha", pymongo.DESCENDING)], {}),
    ([("cuenta_origen_id", pymongo.ASCENDING), ("fecha", pymongo.DESCENDING)], {}),
    ([("cuenta_destino_id", pymongo.ASCENDING), ("fecha", pymongo.DESCENDING)], {}),
    ([("tipo", pymongo.ASCENDING), ("fecha", pymongo.DESCENDING)], {}),
    ([("estado", pymongo.ASCENDING), ("fecha", pymongo.DESCENDING)], {}),
    ([("updated_at", pymongo.ASCENDING)], {}),
)


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
    for keys, options in INDEXES:
        coll.create_index(keys, **options)


def load(coll, dataset: Dataset, show_progress: bool) -> list[TableStat]:
    transacciones = dataset.transacciones
    started = time.perf_counter()
    try:
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
