"""Extract → protect PII → write partitions → (catalog): one table, one call.

Event tables (``Kind.EVENTS``) are partitioned by business date. For a range of dates:

- dates without a partition yet (or all, with ``full_refresh``) are extracted in one streaming
  query per contiguous run of dates, split by date into staged partitions as rows arrive;
- dates that have one are brought up to date incrementally: rows whose ``updated_at`` is
  later than the partitions' watermark (minus ``lookback``, to catch transactions that
  committed late) are merged in by primary key; a partition whose rows did not change is not
  rewritten, only its manifest's watermark moves.

Snapshot tables (``Kind.SNAPSHOT``) get one partition per snapshot day: the previous snapshot
plus the rows changed since its watermark, or a full extraction when there is none.

Watermarks are ``min(max(updated_at) read, time the read started)``, so a row changed while
the read was running is read again next time. Partitions are always sorted by primary key.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.extract.base import DEFAULT_BATCH_ROWS, Extractor, Window
from ingestion.lake import Lake, Manifest, PartitionWriter
from ingestion.pii import PiiHasher
from ingestion.tables import Kind, TableSpec

DEFAULT_LOOKBACK = timedelta(minutes=5)
MAX_BUFFERED_ROWS = 512 * 1024  # across the open partitions of one streaming extraction
MAX_OPEN_FILES = 256  # partitions written at once by one streaming extraction
ENCODE_THREADS = 4
FILE_SYSTEM_THREADS = 2

T = TypeVar("T")


@dataclass
class PartitionResult:
    dt: str
    action: str  # written | unchanged
    rows: int
    bytes: int
    path: str
    watermark: str | None


@dataclass
class LoadResult:
    table: TableSpec
    run_id: str
    rows_extracted: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    partitions: list[PartitionResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def written(self) -> list[PartitionResult]:
        return [p for p in self.partitions if p.action == "written"]

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.partitions)

    @property
    def bytes(self) -> int:
        return sum(p.bytes for p in self.partitions)

    @property
    def watermark(self) -> str | None:
        marks = [p.watermark for p in self.partitions if p.watermark]
        return max(marks) if marks else None

    def summary(self) -> dict:
        return {
            "table": self.table.key,
            "run_id": self.run_id,
            "rows_extracted": self.rows_extracted,
            "rows_inserted": self.rows_inserted,
            "rows_updated": self.rows_updated,
            "partitions": len(self.partitions),
            "partitions_written": len(self.written),
            "rows": self.rows,
            "bytes": self.bytes,
            "watermark": self.watermark,
            "seconds": round(self.seconds, 3),
        }


def business_dates(spec: TableSpec, data: pa.Table | pa.RecordBatch) -> pa.Array:
    """The ``dt`` (UTC date, as ``date32``) of each row of an event table: compared and sorted
    as integers, turned into ISO text once per date (formatting every row is slow)."""
    return pc.cast(data.column(spec.partition_by), pa.date32())


def split_by_date(spec: TableSpec, batch: pa.RecordBatch):
    """(dt, rows) per business date in ``batch``; rows keep their order within a date."""
    keys = business_dates(spec, batch)
    if not len(keys):
        return
    bounds = pc.min_max(keys)
    first, last = bounds["min"].as_py(), bounds["max"].as_py()
    if first == last:  # the common case: one day per batch
        yield first.isoformat(), batch
        return
    order = pc.array_sort_indices(keys)  # stable: rows of one day stay in key order
    ordered, sorted_keys = batch.take(order), keys.take(order)
    runs = pc.run_end_encode(sorted_keys)
    start = 0
    for value, end in zip(runs.values.to_pylist(), runs.run_ends.to_pylist(), strict=True):
        yield value.isoformat(), ordered.slice(start, end - start)
        start = end


def _stage_days_before(day: str, writers: dict[str, PartitionWriter]) -> None:
    """Write the buffered rows of the days before ``day`` (the first of the batch just read)
    to their staged files now, while the next batch is being read, instead of all at the
    end: an event table read in key order (a journal) has its earlier days complete by then.
    A later row of such a day would still be written, to a second file of its partition."""
    finished = [dt for dt, writer in writers.items() if dt < day and writer.buffered_rows]
    for _ in _written(finished, writers, PartitionWriter.suspend):
        pass


def _written(
    dts: list[str], writers: dict[str, PartitionWriter], step: Callable[[PartitionWriter], T]
) -> Iterator[tuple[str, T]]:
    """``(dt, step(writers[dt]))`` for each of ``dts``, in order, ``step`` being the file
    system work of a partition (its directory, files, swap). A long backfill has thousands of
    small partitions: threads encode them (Parquet encoding releases the GIL) and two threads
    do their file system work. On ext4, creating a directory or a file costs
    0.5–1 ms of kernel time after many recent deletions (it scans past every recently deleted
    inode of the group), and two threads made those calls ~40% faster than one; with as many
    threads as encoders, they queued on the GIL at every call."""

    def encode(dt: str) -> str:
        writers[dt].encode()
        return dt

    with (
        ThreadPoolExecutor(max_workers=ENCODE_THREADS) as encoders,
        ThreadPoolExecutor(max_workers=FILE_SYSTEM_THREADS) as file_system,
    ):
        yield from file_system.map(lambda dt: (dt, step(writers[dt])), encoders.map(encode, dts))


def prefetched(items: Iterator[T]) -> Iterator[T]:
    """``items``, each produced by a thread while the caller handles the one before: reading
    (waiting on the source, parsing, hashing) overlaps writing. One item in flight."""
    end = object()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(next, items, end)
        while (item := pending.result()) is not end:
            pending = pool.submit(next, items, end)
            yield item


def date_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _max_ts(current: datetime | None, data: pa.RecordBatch | pa.Table, column: str):
    if not data.num_rows:
        return current
    value = pc.max(data.column(column)).as_py()
    if value is None:
        return current
    return value if current is None or value > current else current


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


class TableLoader:
    """Loads one table of one source into the lake."""

    def __init__(
        self,
        spec: TableSpec,
        extractor: Extractor,
        lake: Lake,
        hasher: PiiHasher,
        run_id: str,
        *,
        lookback: timedelta = DEFAULT_LOOKBACK,
        batch_rows: int = DEFAULT_BATCH_ROWS,
    ):
        self.spec, self.extractor, self.lake, self.hasher = spec, extractor, lake, hasher
        self.run_id, self.lookback, self.batch_rows = run_id, lookback, batch_rows

    # --- extraction ---------------------------------------------------------------------
    def _extract(self, window: Window) -> Iterator[pa.RecordBatch]:
        """The protected batches of ``window``, read and protected one batch ahead of the
        caller (see ``prefetched``)."""
        batches = self.extractor.batches(self.spec, window, self.batch_rows)
        return prefetched(self.hasher.protect(self.spec, batch) for batch in batches)

    def _read_all(self, window: Window, result: LoadResult) -> tuple[pa.Table, datetime | None]:
        started = datetime.now(UTC)
        batches = list(self._extract(window))
        table = pa.Table.from_batches(batches, schema=self.spec.lake_schema)
        result.rows_extracted += table.num_rows
        seen = _max_ts(None, table, self.spec.watermark)
        return table, (min(seen, started) if seen else None)

    # --- entry points -------------------------------------------------------------------
    def load_events(
        self, start: date, end: date, *, full_refresh: bool = False, catch_up: bool = False
    ) -> LoadResult:
        """Bring the partitions ``start``..``end`` up to date. With ``catch_up``, a table that
        has no partition before ``start`` yet first gets its whole history (from the
        source's earliest business date): the first run of an incremental pipeline is a
        full load, whatever window it was asked for."""
        if self.spec.kind is not Kind.EVENTS:
            raise ValueError(f"{self.spec.key} is not an event table")
        clock = time.monotonic()
        result = LoadResult(self.spec, self.run_id)
        if catch_up and not any(dt < start.isoformat() for dt in self.lake.partitions(self.spec)):
            first = self.extractor.first_date(self.spec)
            if first is not None and first < start:
                start = first
        dts = [d.isoformat() for d in date_range(start, end)]
        # one listing, then only the manifests that exist (not one failed open a missing day)
        present = set() if full_refresh else set(self.lake.partitions(self.spec))
        manifests = {dt: self.lake.read_manifest(self.spec, dt) for dt in dts if dt in present}
        existing = {dt: m for dt, m in manifests.items() if m is not None and m.watermark}
        missing = [dt for dt in dts if dt not in existing]
        for run in _contiguous(missing):
            self._stream_range(run, result)
        if existing:
            self._refresh_existing(existing, result)
        result.partitions.sort(key=lambda p: p.dt)
        result.seconds = time.monotonic() - clock
        return result

    def load_snapshot(self, snapshot: date, *, full_refresh: bool = False) -> LoadResult:
        if self.spec.kind is not Kind.SNAPSHOT:
            raise ValueError(f"{self.spec.key} is not a snapshot table")
        clock = time.monotonic()
        result = LoadResult(self.spec, self.run_id)
        dt = snapshot.isoformat()
        base_dt, base = None, None
        if not full_refresh:
            earlier = [d for d in self.lake.partitions(self.spec) if d <= dt]
            if earlier:
                base_dt = earlier[-1]
                base = self.lake.read_manifest(self.spec, base_dt)
        if base is None or not base.watermark:
            started = datetime.now(UTC)
            writer = self.lake.writer(self.spec, dt, self.run_id)
            seen = None
            try:
                for batch in self._extract(Window()):
                    result.rows_extracted += batch.num_rows
                    seen = _max_ts(seen, batch, self.spec.watermark)
                    writer.write(batch)
                manifest = writer.commit(min(seen, started) if seen else None)
            except BaseException:
                writer.abort()
                raise
            result.rows_inserted = result.rows_extracted
            result.partitions.append(self._result(manifest, "written"))
        else:
            since = base.watermark_dt - self.lookback
            delta, mark = self._read_all(Window(since=since), result)
            base_rows = self.lake.read_partition(self.spec, base_dt, base)
            merged, inserted, updated = merge(base_rows, delta, self.spec.primary_key)
            result.rows_inserted, result.rows_updated = inserted, updated
            watermark = _later(base.watermark_dt, mark)
            if base_dt == dt and merged.equals(base_rows):
                result.partitions.append(self._confirm(base, watermark))
            else:
                result.partitions.append(self._write(dt, merged, watermark))
        result.seconds = time.monotonic() - clock
        return result

    # --- events: helpers ----------------------------------------------------------------
    def _stream_range(self, dts: list[str], result: LoadResult) -> None:
        started = datetime.now(UTC)
        window = Window(start=date.fromisoformat(dts[0]), end=date.fromisoformat(dts[-1]))
        writers: dict[str, PartitionWriter] = {}
        seen: datetime | None = None
        try:
            for batch in self._extract(window):
                result.rows_extracted += batch.num_rows
                seen = _max_ts(seen, batch, self.spec.watermark)
                days = list(split_by_date(self.spec, batch))
                for key, rows in days:
                    if key not in writers:
                        writers[key] = self.lake.writer(self.spec, key, self.run_id)
                    writers[key].write(rows)
                    writers[key] = writers.pop(key)  # most recently used last
                if days:
                    _stage_days_before(days[0][0], writers)
                if sum(w.buffered_rows for w in writers.values()) > MAX_BUFFERED_ROWS:
                    for w in writers.values():
                        w.flush()
                open_writers = [w for w in writers.values() if w.open]
                for w in open_writers[: max(0, len(open_writers) - MAX_OPEN_FILES)]:
                    w.suspend()
            watermark = min(seen, started) if seen else None
            for dt in dts:  # days without rows still get an (empty) partition and a watermark
                if dt not in writers:
                    writers[dt] = self.lake.writer(self.spec, dt, self.run_id)
            for dt, manifest in _written(dts, writers, lambda w: w.commit(watermark)):
                del writers[dt]  # committed: no longer aborted on a later failure
                result.partitions.append(self._result(manifest, "written"))
            result.rows_inserted += result.rows_extracted
        finally:
            for writer in writers.values():
                writer.abort()

    def _refresh_existing(self, existing: dict[str, Manifest], result: LoadResult) -> None:
        dts = sorted(existing)
        since = min(m.watermark_dt for m in existing.values()) - self.lookback
        window = Window(start=date.fromisoformat(dts[0]), end=date.fromisoformat(dts[-1]))
        delta, mark = self._read_all(
            Window(start=window.start, end=window.end, since=since), result
        )
        keys = business_dates(self.spec, delta)
        for dt in dts:
            manifest = existing[dt]
            watermark = _later(manifest.watermark_dt, mark)
            changes = (
                delta.filter(pc.equal(keys, date.fromisoformat(dt))) if delta.num_rows else delta
            )
            if not changes.num_rows:
                result.partitions.append(self._confirm(manifest, watermark))
                continue
            base = self.lake.read_partition(self.spec, dt, manifest)
            merged, inserted, updated = merge(base, changes, self.spec.primary_key)
            result.rows_inserted += inserted
            result.rows_updated += updated
            if merged.equals(base):
                result.partitions.append(self._confirm(manifest, watermark))
            else:
                result.partitions.append(self._write(dt, merged, watermark))

    # --- common -------------------------------------------------------------------------
    def _write(self, dt: str, rows: pa.Table, watermark: datetime | None) -> PartitionResult:
        writer = self.lake.writer(self.spec, dt, self.run_id)
        try:
            writer.write(rows)
            manifest = writer.commit(watermark)
        except BaseException:
            writer.abort()
            raise
        return self._result(manifest, "written")

    def _confirm(self, manifest: Manifest, watermark: datetime | None) -> PartitionResult:
        manifest.watermark = watermark.isoformat() if watermark else manifest.watermark
        manifest.run_id = self.run_id
        manifest.written_at = datetime.now(UTC).isoformat()
        self.lake.update_manifest(self.spec, manifest)
        return self._result(manifest, "unchanged")

    def _result(self, manifest: Manifest, action: str) -> PartitionResult:
        return PartitionResult(
            dt=manifest.dt,
            action=action,
            rows=manifest.rows,
            bytes=manifest.bytes,
            path=self.lake.uri(self.lake.partition_path(self.spec, manifest.dt)),
            watermark=manifest.watermark,
        )


def _contiguous(dts: list[str]) -> list[list[str]]:
    runs: list[list[str]] = []
    for dt in dts:
        day = date.fromisoformat(dt)
        if runs and date.fromisoformat(runs[-1][-1]) + timedelta(days=1) == day:
            runs[-1].append(dt)
        else:
            runs.append([dt])
    return runs


def merge(base: pa.Table, changes: pa.Table, key: str) -> tuple[pa.Table, int, int]:
    """``base`` with ``changes`` upserted by ``key``, sorted by key; (table, inserted, updated)."""
    if not changes.num_rows:
        return base, 0, 0
    changes = changes.select(base.column_names).cast(base.schema)
    in_base = pc.is_in(changes.column(key), value_set=base.column(key))
    inserted = changes.num_rows - pc.sum(in_base).as_py()
    replaced = base.filter(pc.is_in(base.column(key), value_set=changes.column(key)))
    candidates = changes.filter(in_base)
    updated = _count_different(
        replaced.sort_by(key), candidates.sort_by(key), [c for c in base.column_names]
    )
    kept = base.filter(pc.invert(pc.is_in(base.column(key), value_set=changes.column(key))))
    merged = pa.concat_tables([kept, changes]).sort_by(key).combine_chunks()
    return merged, int(inserted), int(updated)


def _count_different(a: pa.Table, b: pa.Table, columns: list[str]) -> int:
    if not a.num_rows:
        return 0
    differs = pa.array([False] * a.num_rows)
    for name in columns:
        x, y = a.column(name), b.column(name)
        nulls_differ = pc.not_equal(pc.is_null(x), pc.is_null(y))
        values_differ = pc.fill_null(pc.not_equal(x, y), False)
        differs = pc.or_(differs, pc.or_(nulls_differ, values_differ))
    return int(pc.sum(differs).as_py() or 0)
