"""nx-27017 0.8.1 quirks that transacciones works around, pinned next to the workaround (see
also tests/infra/test_nx27017_quirks.py). If a new nx-27017 fixes one, its test fails: drop
the workaround, then the test. Skipped when MongoDB is a real mongod."""

from __future__ import annotations

import datetime as dt
import uuid

import pymongo
import pytest

from infra.local.components import Mongo
from services.common.mongo import date_range
from services.common.settings import get_settings

DATABASE = "cloudbank_test_tx_quirks"


def _served_by_nx() -> bool:
    mongo = Mongo(get_settings())
    return mongo.managed and mongo.flavour == "nx-27017"


pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not _served_by_nx(), reason="pins nx-27017 quirks; MongoDB is real here"),
]

BASE = dt.datetime(2026, 1, 1, 10, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def coll(tx_stack, settings):
    with pymongo.MongoClient(settings.effective_mongo_url, tz_aware=True) as client:
        collection = client[DATABASE][f"txq_{uuid.uuid4().hex[:12]}"]
        collection.insert_many(
            [
                {"k": 1, "fecha": BASE.replace(microsecond=100_000), "s": "P", "l": BASE},
                {"k": 2, "fecha": BASE.replace(microsecond=600_000), "s": "P"},
                {"k": 3, "fecha": BASE + dt.timedelta(seconds=1), "s": "C"},
            ]
        )
        yield collection
        collection.drop()


def keys(collection, query) -> list[int]:
    return sorted(d["k"] for d in collection.find(query))


def test_find_compares_datetimes_in_whole_seconds(coll):
    half = BASE.replace(microsecond=500_000)
    assert keys(coll, {"fecha": {"$gte": half}}) == [1, 2, 3]  # MongoDB: [2, 3]
    assert keys(coll, {"fecha": {"$lt": half}}) == []  # MongoDB: [1]
    # whole-second bounds are exact; service.list asks a transaccion_id range instead (a ULID
    # of fecha's millisecond), which is exact and indexed
    whole = date_range("fecha", BASE, BASE + dt.timedelta(seconds=1))
    assert keys(coll, whole) == [1, 2]


def test_or_next_to_another_condition_matches_too_much(coll):
    query = {"s": {"$eq": "P"}, "$or": [{"l": {"$lte": BASE}}, {"l": None}]}
    assert keys(coll, query) == [1, 2, 3]  # MongoDB: [1, 2]
    # workaround (service.list, recovery): no $or; one indexed query per branch, merged
    assert keys(coll, {"s": {"$eq": "P"}, "l": {"$lte": BASE}}) == [1]


def test_a_datetime_set_with_dollar_set_comes_back_as_text(coll):
    later = BASE + dt.timedelta(minutes=1)
    coll.update_one({"k": {"$eq": 1}}, {"$set": {"updated_at": later}})
    assert coll.find_one({"k": 1})["updated_at"] == "2026-01-01 10:01:05"  # MongoDB: a date
    # workaround (posting): state changes replace the whole document, which keeps the type
    document = coll.find_one({"k": 2}, {"_id": 0}) | {"updated_at": later}
    assert coll.replace_one({"k": {"$eq": 2}, "s": {"$eq": "P"}}, document).matched_count == 1
    assert coll.find_one({"k": 2})["updated_at"] == later
