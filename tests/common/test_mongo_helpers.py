"""The MongoDB helpers: pure parts here, and against the suite's MongoDB (whatever flavour)."""

import datetime as dt
import uuid

import pymongo
import pytest

from services.common.mongo import (
    add_to_set,
    as_bool,
    date_range,
    fast_count,
    upsert_with_defaults,
)

START = dt.datetime(2024, 1, 1)
END = dt.datetime(2024, 2, 1)


def test_date_range_is_an_and_of_one_clause_per_bound():
    assert date_range("fecha", START, END) == {
        "$and": [{"fecha": {"$gte": START}}, {"fecha": {"$lt": END}}]
    }
    assert date_range("fecha", start=START) == {"$and": [{"fecha": {"$gte": START}}]}
    assert date_range("fecha", end=END) == {"$and": [{"fecha": {"$lt": END}}]}
    with pytest.raises(ValueError):
        date_range("fecha")


@pytest.mark.parametrize(("stored", "value"), [(True, True), (False, False), (1, True), (0, False)])
def test_as_bool(stored, value):
    assert as_bool(stored) is value


@pytest.mark.parametrize("stored", [2, -1, None, "true", 1.0])
def test_as_bool_refuses_anything_else(stored):
    with pytest.raises(ValueError):
        as_bool(stored)


@pytest.fixture
def coll(stack):
    with pymongo.MongoClient(stack.effective_mongo_url, serverSelectionTimeoutMS=3000) as client:
        collection = client[stack.mongo_database][f"test_helpers_{uuid.uuid4().hex[:12]}"]
        yield collection
        collection.drop()


def test_fast_count_and_date_range_on_the_server(coll):
    coll.insert_many([{"n": n, "fecha": START + dt.timedelta(days=n)} for n in range(40)])
    assert fast_count(coll) == 40
    assert fast_count(coll, date_range("fecha", START + dt.timedelta(days=5), END)) == 26
    assert fast_count(coll, {"n": {"$gte": 100}}) == 0
    found = coll.aggregate([{"$match": date_range("fecha", end=START + dt.timedelta(days=3))}])
    assert sorted(d["n"] for d in found) == [0, 1, 2]


def test_upsert_with_defaults_on_the_server(coll):
    doc, created = upsert_with_defaults(coll, {"_id": "k"}, {"intentos": 0})
    assert (doc, created) == ({"_id": "k", "intentos": 0}, True)
    doc, created = upsert_with_defaults(coll, {"_id": "k"}, {"intentos": 5}, {"estado": "OK"})
    assert (doc, created) == ({"_id": "k", "intentos": 0, "estado": "OK"}, False)


def test_add_to_set_on_the_server(coll):
    coll.insert_many([{"_id": 1}, {"_id": 2, "tags": ["a"]}])
    add_to_set(coll, {"_id": 1}, "tags", "a", "b")
    add_to_set(coll, {"_id": 2}, "tags", "b", "a")
    add_to_set(coll, {"_id": 1}, "tags", "b")
    assert list(coll.find().sort("_id")) == [
        {"_id": 1, "tags": ["a", "b"]},
        {"_id": 2, "tags": ["a", "b"]},
    ]
