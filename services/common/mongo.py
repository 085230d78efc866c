"""MongoDB helpers that dodge the quirks of nx-27017 0.8.1 and stay valid MongoDB.

Locally the MongoDB wire protocol may be served by nx-27017 (SQLite underneath) instead of a
real ``mongod``. Everything here is plain MongoDB, so the same code runs on both. The quirks
(each pinned by ``tests/infra/test_nx27017_quirks.py``) and what to do about them:

- Decimal128 is refused: store money as int64 minor units (``services.common.money``).
- ``aggregate`` ``$match`` on a datetime with a bare ``$lt``/``$lte`` matches nothing (and a
  bare ``$gt``/``$gte`` matches everything): use :func:`date_range`. ``find`` is not affected.
- ``count_documents`` is slow on large collections: use :func:`fast_count`.
- booleans written with ``$set`` come back as 1/0: read them through :func:`as_bool`.
- ``find_one_and_update(upsert=True)`` ignores ``$setOnInsert``: use :func:`upsert_with_defaults`.
- ``$addToSet`` on a field the document lacks does nothing (so ``$push`` + ``$addToSet``
  in one update keep only the push): use :func:`add_to_set`.
- ``$lookup`` returns the joined documents' int ``_id`` as a string: join on another field
  or convert back.
- collection names must be identifiers (letters, digits, ``_``): no dots.
- database names do not isolate collections (all share one namespace) and
  ``drop_database`` drops every collection: give collections distinct names, drop
  collections rather than databases.
- ``server_info()`` has no ``version``: don't branch on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo.collection import Collection


def date_range(
    field: str, start: datetime | None = None, end: datetime | None = None
) -> dict[str, Any]:
    """A filter for ``start <= field < end`` (either bound may be open) that also works as an
    aggregate ``$match``: one ``$and`` clause per bound."""
    clauses = []
    if start is not None:
        clauses.append({field: {"$gte": start}})
    if end is not None:
        clauses.append({field: {"$lt": end}})
    if not clauses:
        raise ValueError("date_range needs a start, an end or both")
    return {"$and": clauses}


def fast_count(
    collection: Collection, filter: Mapping[str, Any] | None = None, *, session=None
) -> int:
    """``count_documents`` through an aggregate ``$count`` (same number, far faster on nx).

    The filter runs as an aggregate ``$match``: express datetime ranges with
    :func:`date_range`.
    """
    pipeline = [{"$match": dict(filter or {})}, {"$count": "n"}]
    result = list(collection.aggregate(pipeline, session=session))
    return result[0]["n"] if result else 0  # mongod returns no row at all for 0


def as_bool(value: Any) -> bool:
    """A stored boolean as a bool, whether it came back as ``True``/``False`` or 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"not a stored boolean: {value!r}")


def upsert_with_defaults(
    collection: Collection,
    filter: Mapping[str, Any],
    set_on_insert: Mapping[str, Any],
    set_fields: Mapping[str, Any] | None = None,
    *,
    session=None,
) -> tuple[dict[str, Any], bool]:
    """Insert the document matching ``filter`` with ``set_on_insert`` if it is missing, apply
    ``set_fields`` either way; returns ``(document after the update, created)``.

    The ``update_one`` form of ``find_one_and_update(..., upsert=True)``, which nx-27017
    gets wrong.
    """
    update: dict[str, Any] = {"$setOnInsert": dict(set_on_insert)}
    if set_fields:
        update["$set"] = dict(set_fields)
    result = collection.update_one(filter, update, upsert=True, session=session)
    document = collection.find_one(filter, session=session)
    return document, result.upserted_id is not None


def add_to_set(
    collection: Collection,
    filter: Mapping[str, Any],
    field: str,
    *values: Any,
    session=None,
) -> None:
    """``$addToSet`` of ``values`` to the array ``field``, also when the document lacks it.

    Creates the missing array first (only where it is missing), then adds to the set; both
    steps are idempotent, so a retry is harmless.
    """
    collection.update_many(
        {**filter, field: {"$exists": False}}, {"$set": {field: []}}, session=session
    )
    collection.update_many(filter, {"$addToSet": {field: {"$each": list(values)}}}, session=session)
