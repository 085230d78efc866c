"""MongoDB: a ``find`` cursor sorted by the business key, read ``batch_size`` documents at a
time and turned into typed Arrow columns.

Only ``find`` is used: the nx-27017 wire server mis-evaluates datetime ranges inside an
aggregate ``$match`` (see the environment notes), while ``find`` filters are exact on both it
and a real mongod. Money is already int64 céntimos in the collection. The free-form
``metadata`` document is stored as canonical JSON text (sorted keys).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

import pyarrow as pa
import pymongo

from ingestion.extract.base import DEFAULT_BATCH_ROWS, Extractor, SourceProfile, Window
from ingestion.tables import TS, TableSpec


def _utc(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _json(value):
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


class MongoExtractor(Extractor):
    engine = "mongo"

    def __init__(self, url: str, database: str, collections: dict[str, str] | None = None):
        self.url, self.database = url, database
        self.collections = collections or {}
        self._client: pymongo.MongoClient | None = None

    @property
    def client(self) -> pymongo.MongoClient:
        if self._client is None:
            self._client = pymongo.MongoClient(
                self.url, tz_aware=True, tzinfo=UTC, connectTimeoutMS=300_000
            )
        return self._client

    def collection(self, spec: TableSpec):
        return self.client[self.database][self.collections.get(spec.name, spec.name)]

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _filter(self, spec: TableSpec, window: Window) -> dict:
        query: dict = {}
        lower, upper = window.bounds()
        if spec.partition_by and (lower or upper):
            rng = {}
            if lower:
                rng["$gte"] = lower
            if upper:
                rng["$lt"] = upper
            query[spec.partition_by] = rng
        if window.since or window.until:
            rng = {}
            if window.since:
                rng["$gt"] = window.since
            if window.until:
                rng["$lte"] = window.until
            query[spec.watermark] = rng
        return query

    def _pages(self, spec: TableSpec, query: dict, fields: list[str], page_rows: int):
        """Documents matching ``query`` in keyset pages (``key > last`` sorted by key): each
        query is short, so a single-threaded server still answers the driver's heartbeats
        between them (one long query would get the connection cancelled as if the server
        were down)."""
        key, last = spec.primary_key, None
        projection = {**dict.fromkeys([*fields, key], 1), "_id": 0}
        while True:
            page = {**query, key: {"$gt": last}} if last is not None else query
            documents = list(
                self.collection(spec).find(
                    page,
                    projection=projection,
                    sort=[(key, pymongo.ASCENDING)],
                    limit=page_rows,
                    batch_size=min(page_rows, 10_000),
                )
            )
            if not documents:
                return
            yield documents
            if len(documents) < page_rows:
                return
            last = documents[-1][key]

    def batches(
        self, spec: TableSpec, window: Window, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        names = [c.name for c in spec.columns]
        for documents in self._pages(spec, self._filter(spec, window), names, batch_rows):
            yield self._to_batch(spec, documents)

    @staticmethod
    def _to_batch(spec: TableSpec, documents: list[dict]) -> pa.RecordBatch:
        arrays = []
        for column in spec.columns:
            values = [d.get(column.name) for d in documents]
            if column.type == TS:
                values = [_utc(v) for v in values]
            elif column.type == pa.string():
                values = [
                    _json(v) if isinstance(v, (dict, list)) else (None if v is None else str(v))
                    for v in values
                ]
            arrays.append(pa.array(values, type=column.type))
        return pa.RecordBatch.from_arrays(arrays, schema=spec.source_schema)

    def profile(self, spec: TableSpec, window: Window) -> SourceProfile:
        money, currency = spec.money_columns, spec.currency_column
        fields = [*money, *([currency] if currency else [])]
        rows = 0
        sums: dict[str, dict[str, int]] = {m: defaultdict(int) for m in money}
        for page in self._pages(spec, self._filter(spec, window), fields, DEFAULT_BATCH_ROWS):
            for document in page:
                rows += 1
                group = str(document.get(currency, "")) if currency else ""
                for m in money:
                    sums[m][group] += int(document.get(m) or 0)
        return SourceProfile(rows=rows, sums={m: dict(v) for m, v in sums.items()})

    def first_date(self, spec: TableSpec):
        first = self.collection(spec).find_one(
            {}, projection={spec.partition_by: 1, "_id": 0}, sort=[(spec.partition_by, 1)]
        )
        value = first.get(spec.partition_by) if first else None
        return _utc(value).astimezone(UTC).date() if value else None

    def changed_keys(
        self, spec: TableSpec, window: Window, after: datetime, column: str | None = None
    ) -> list:
        query = self._filter(spec, Window(window.start, window.end, since=after))
        column = column or spec.primary_key
        found = {
            d.get(column)
            for page in self._pages(spec, query, [column], DEFAULT_BATCH_ROWS)
            for d in page
        }
        return sorted(found, key=str)
