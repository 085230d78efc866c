"""MongoDB helpers that stay valid MongoDB and work around the quirks of nx-27017 0.8.1."""

from __future__ import annotations

from datetime import datetime


def date_range(field: str, start: datetime | None, end: datetime | None) -> dict:
    """``start <= field < end`` as an ``$and`` of ``$gte``/``$lt``.

    nx-27017 returns nothing for an aggregate ``$match`` with ``$lt`` on a datetime inside one
    operator document; the ``$and`` form works there and in MongoDB, in ``find`` as well.
    Either bound may be None (open range); with neither, the filter matches everything.
    """
    clauses = []
    if start is not None:
        clauses.append({field: {"$gte": start}})
    if end is not None:
        clauses.append({field: {"$lt": end}})
    return {"$and": clauses} if clauses else {}
