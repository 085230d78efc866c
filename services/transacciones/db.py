"""The MongoDB connection of transacciones and the indexes every query relies on."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from services.common.settings import Settings
from services.transacciones.models import COLLECTION

# Lists are newest first. transaccion_id is a ULID whose time part is fecha's millisecond, so
# "newest first, ties by id" is simply transaccion_id descending, and a fecha range is a
# transaccion_id range: each list query below is one index, read in order, stopping at the
# page's end.
NEWEST = [("transaccion_id", DESCENDING)]

INDEXES = [
    IndexModel([("transaccion_id", ASCENDING)], name="transaccion_id_unique", unique=True),
    IndexModel([("idempotency_key", ASCENDING)], name="idempotency_key_unique", unique=True),
    # a reversal in force holds the reversed id here: at most one per transaction
    IndexModel(
        [("reversa_lock", ASCENDING)],
        name="reversa_lock_unique",
        unique=True,
        partialFilterExpression={"reversa_lock": {"$exists": True}},
    ),
    IndexModel([("cuenta_origen_id", ASCENDING), *NEWEST], name="cuenta_origen_id"),
    IndexModel([("cuenta_destino_id", ASCENDING), *NEWEST], name="cuenta_destino_id"),
    IndexModel([("tipo", ASCENDING), *NEWEST], name="tipo_id"),
    # also the recovery pass's index (estado = PENDIENTE, oldest first)
    IndexModel([("estado", ASCENDING), *NEWEST], name="estado_id"),
    IndexModel([("moneda", ASCENDING), *NEWEST], name="moneda_id"),
]


def eq(value: object) -> dict:
    """Equality written as ``{"$eq": value}``. nx-27017 turns a bare ``{field: value}`` in an
    update's filter into an array-containment OR that its SQLite index cannot serve (a full
    scan per update); the explicit operator keeps the index. Same meaning in MongoDB."""
    return {"$eq": value}


def client(settings: Settings) -> AsyncMongoClient:
    return AsyncMongoClient(
        settings.effective_mongo_url,
        tz_aware=True,
        serverSelectionTimeoutMS=2000,
        connectTimeoutMS=2000,
        socketTimeoutMS=10000,
        maxPoolSize=64,
    )


def collection(mongo: AsyncMongoClient, settings: Settings) -> AsyncCollection:
    return mongo[settings.mongo_database][COLLECTION]


# Indexes of earlier versions (lists sorted by fecha, then the id), dropped where found.
OBSOLETE = {
    (*prefix, "fecha", "transaccion_id")
    for prefix in (
        (),
        ("cuenta_origen_id",),
        ("cuenta_destino_id",),
        ("tipo",),
        ("estado",),
        ("moneda",),
    )
}


async def ensure_indexes(col: AsyncCollection) -> None:
    """Create the indexes and drop obsolete ones; idempotent."""
    await col.create_indexes(INDEXES)
    for name, info in (await col.index_information()).items():
        if tuple(field for field, _ in info["key"]) in OBSOLETE:
            await col.drop_index(name)
