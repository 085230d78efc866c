"""What nx-27017 0.8.1 gets wrong, pinned, next to the workaround the code uses.

Each test documents one quirk from environment-notes.md (plus a few found on the way). If a
new nx-27017 fixes one, its test fails: drop the workaround, then the test. The module is
skipped when the stack's MongoDB is a real ``mongod``.

nx-27017 keeps every "database" in one namespace (see test_database_names_do_not_isolate_...):
these tests use their own collections and drop those, never a database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pymongo
import pytest
from bson import Decimal128, Int64
from pymongo import ReturnDocument
from pymongo.errors import OperationFailure, WriteError

from infra.local.components import Mongo
from services.common.money import from_minor, to_minor
from services.common.mongo import (
    add_to_set,
    as_bool,
    date_range,
    fast_count,
    upsert_with_defaults,
)
from services.common.settings import get_settings

DATABASE = "cloudbank_test_nx_quirks"


def _served_by_nx() -> bool:
    mongo = Mongo(get_settings())
    return mongo.managed and mongo.flavour == "nx-27017"


pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not _served_by_nx(), reason="pins nx-27017 quirks; MongoDB is real here"),
]


@pytest.fixture(scope="module")
def db(stack):
    with pymongo.MongoClient(stack.effective_mongo_url, serverSelectionTimeoutMS=3000) as client:
        yield client[DATABASE]


@pytest.fixture
def new_collection(db):
    """``new_collection()`` -> an empty collection of this test, dropped afterwards."""
    made = []

    def make():
        made.append(db[f"nxq_{uuid.uuid4().hex[:12]}"])
        return made[-1]

    yield make
    for collection in made:
        collection.drop()


@pytest.fixture
def coll(new_collection):
    return new_collection()


def test_decimal128_is_refused_so_money_is_int64_minor_units(coll):
    with pytest.raises(WriteError) as info:
        coll.insert_one({"monto": Decimal128("12.34")})
    assert info.value.code == 8

    coll.insert_one({"_id": 1, "monto": Int64(to_minor(Decimal("12.34")))})
    stored = coll.find_one({"_id": 1})["monto"]
    assert stored == 1234
    assert from_minor(stored) == Decimal("12.34")


@pytest.fixture
def hourly(coll):
    """Ten documents, one an hour from 2024-03-01 10:00 (n = 0..9)."""
    start = dt.datetime(2024, 3, 1, 10)
    coll.insert_many(
        [{"_id": n, "n": n, "fecha": start + dt.timedelta(hours=n)} for n in range(10)]
    )
    return coll, start


def matched(coll, match) -> list[int]:
    return sorted(doc["n"] for doc in coll.aggregate([{"$match": match}]))


def test_aggregate_match_lt_lte_on_a_datetime_matches_nothing(hourly):
    coll, start = hourly
    cut = start + dt.timedelta(hours=5)

    assert matched(coll, {"fecha": {"$lt": cut}}) == []  # should be 0..4
    assert matched(coll, {"fecha": {"$lte": cut}}) == []  # should be 0..5
    assert matched(coll, {"fecha": {"$gte": start, "$lt": cut}}) == []
    # find is right
    assert sorted(d["n"] for d in coll.find({"fecha": {"$lt": cut}})) == [0, 1, 2, 3, 4]

    # the workaround: one $and clause per bound
    assert matched(coll, date_range("fecha", start + dt.timedelta(hours=2), cut)) == [2, 3, 4]
    assert matched(coll, date_range("fecha", end=cut)) == [0, 1, 2, 3, 4]
    assert matched(coll, {**date_range("fecha", start=cut), "n": {"$lt": 7}}) == [5, 6]


def test_aggregate_match_gt_gte_on_a_datetime_matches_everything(hourly):
    coll, start = hourly
    cut = start + dt.timedelta(hours=5)
    assert matched(coll, {"fecha": {"$gte": cut}}) == list(range(10))  # should be 5..9
    assert matched(coll, {"fecha": {"$gt": cut}}) == list(range(10))  # should be 6..9
    assert matched(coll, date_range("fecha", start=cut)) == [5, 6, 7, 8, 9]


def test_booleans_written_by_set_come_back_as_1_and_0(coll):
    coll.insert_one({"_id": 1, "activa": True})
    assert coll.find_one({"_id": 1})["activa"] is True  # an insert keeps the bool

    coll.update_one({"_id": 1}, {"$set": {"activa": False, "bloqueada": True}})
    doc = coll.find_one({"_id": 1})
    assert (doc["activa"], doc["bloqueada"]) == (0, 1)
    assert not isinstance(doc["activa"], bool) and not isinstance(doc["bloqueada"], bool)
    assert as_bool(doc["activa"]) is False and as_bool(doc["bloqueada"]) is True
    # queries by bool still find them
    assert coll.find_one({"bloqueada": True})["_id"] == 1


def test_find_one_and_update_upsert_ignores_set_on_insert(coll):
    after = coll.find_one_and_update(
        {"_id": "idem-1"},
        {"$set": {"estado": "PENDIENTE"}, "$setOnInsert": {"creada": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    assert after == {"_id": "idem-1", "estado": "PENDIENTE"}  # creada is missing
    assert "creada" not in coll.find_one({"_id": "idem-1"})


def test_upsert_with_defaults_honours_set_on_insert(coll):
    doc, created = upsert_with_defaults(
        coll, {"_id": "idem-2"}, {"creada": 1}, {"estado": "PENDIENTE"}
    )
    assert created is True
    assert doc == {"_id": "idem-2", "creada": 1, "estado": "PENDIENTE"}

    doc, created = upsert_with_defaults(
        coll, {"_id": "idem-2"}, {"creada": 2}, {"estado": "COMPLETADA"}
    )
    assert created is False
    assert doc == {"_id": "idem-2", "creada": 1, "estado": "COMPLETADA"}
    assert coll.count_documents({}) == 1


def test_add_to_set_on_a_missing_field_does_nothing(coll):
    coll.insert_many([{"_id": 1}, {"_id": 2}, {"_id": 3}])
    result = coll.update_one({"_id": 1}, {"$addToSet": {"tags": "b"}})
    assert result.modified_count == 0
    assert coll.find_one({"_id": 1}) == {"_id": 1}  # MongoDB: tags: ["b"]

    # so $push + $addToSet on missing fields in one update keep only the push
    coll.update_one({"_id": 2}, {"$push": {"legs": "a"}, "$addToSet": {"tags": "b"}})
    assert coll.find_one({"_id": 2}) == {"_id": 2, "legs": ["a"]}

    # the workaround creates the array first
    add_to_set(coll, {"_id": 3}, "tags", "b", "c")
    add_to_set(coll, {"_id": 3}, "tags", "b")
    assert coll.find_one({"_id": 3}) == {"_id": 3, "tags": ["b", "c"]}


def test_lookup_turns_an_int_id_into_a_string(new_collection):
    cuentas, movimientos = new_collection(), new_collection()
    cuentas.insert_one({"_id": 7, "moneda": "EUR"})
    movimientos.insert_one({"_id": "m1", "cuenta_id": 7})
    lookup = {
        "$lookup": {
            "from": cuentas.name,
            "localField": "cuenta_id",
            "foreignField": "_id",
            "as": "cuenta",
        }
    }

    [joined] = movimientos.aggregate([lookup, {"$unwind": "$cuenta"}])
    assert joined["cuenta"] == {"_id": "7", "moneda": "EUR"}  # stored as the int 7
    assert cuentas.find_one()["_id"] == 7
    # without $unwind the joined array even arrives as a JSON string
    [raw] = movimientos.aggregate([lookup])
    assert isinstance(raw["cuenta"], str)


def test_dotted_collection_names_are_refused(db):
    with pytest.raises(OperationFailure, match="Invalid identifier"):
        db["nxq_dotted.name"].insert_one({"x": 1})


def test_server_info_has_no_version(db):
    assert db.client.server_info().get("version") is None
    assert db.client.admin.command("ping")["ok"] == 1


def test_fast_count_gives_the_count_documents_number(coll):
    start = dt.datetime(2024, 3, 1)
    coll.insert_many(
        [
            {"n": n, "tipo": "DEPOSITO" if n % 3 else "RETIRO", "fecha": start + dt.timedelta(n)}
            for n in range(60)
        ]
    )
    window = date_range("fecha", start + dt.timedelta(10), start + dt.timedelta(40))
    for flt in ({}, {"tipo": "RETIRO"}, window, {**window, "tipo": "DEPOSITO"}, {"n": -1}):
        assert fast_count(coll, flt) == coll.count_documents(flt), flt
    assert fast_count(coll, window) == 30
    assert fast_count(coll) == 60
    assert fast_count(coll, {"n": -1}) == 0


def test_database_names_do_not_isolate_collections(new_stack):
    """One namespace for every database: a collection written through one name shows up
    through any other, a transaction across two "databases" is a plain transaction, and
    drop_database drops every collection. Shown on a throwaway server for that reason."""
    local = new_stack(400)
    local.up(["mongo"])
    with pymongo.MongoClient(
        local.settings.effective_mongo_url, serverSelectionTimeoutMS=3000
    ) as client:
        a, b = client["quirks_a"], client["quirks_b"]
        a.shared.insert_one({"_id": 1})
        assert b.shared.find_one({"_id": 1}) == {"_id": 1}

        with client.start_session() as session, session.start_transaction():
            a.shared.insert_one({"_id": 2}, session=session)
            b.other.insert_one({"_id": 2}, session=session)  # no error
        assert a.other.find_one({"_id": 2}) == {"_id": 2}

        client.drop_database("quirks_b")
        assert a.list_collection_names() == []
