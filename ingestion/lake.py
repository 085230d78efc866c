"""The lake: Hive-style Parquet partitions under a ``file://`` or ``s3://`` URL, one code path
through fsspec.

Layout::

    <lake>/raw/<source>/<table>/dt=YYYY-MM-DD/part-00000.parquet   zstd, fixed names
    <lake>/raw/<source>/<table>/dt=YYYY-MM-DD/_manifest.json       rows, bytes, watermark, run
    <lake>/quality/…                                               check results (JSON)
    <lake>/_staging/<run_id>/…                                     partitions being written

A partition is replaced atomically: its new version is written completely elsewhere (the
staging prefix) and then swapped in, so a reader sees either the old or the new partition,
never a mix and never a gap, and a write killed halfway leaves the old one untouched:

- local filesystem: the staged directory and the live one are exchanged with one
  ``renameat2(RENAME_EXCHANGE)`` call (plain ``rename`` when the partition is new);
- S3: each object PUT is atomic, and a partition is one Parquet file unless it exceeds
  ``max_file_rows`` (10M rows), so publishing is a single PUT of the data object, then the
  manifest; files of an older version that the new one does not reuse are deleted after.

Nothing is ever wiped before the new version is in place. Files are written with fixed names
and settings, so the same rows give byte-identical files (idempotent re-runs).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ingestion.tables import TableSpec

MANIFEST = "_manifest.json"
PARTITION_KEY = "dt"
ROW_GROUP_ROWS = 128 * 1024
MAX_FILE_ROWS = 10_000_000
SINK_BUFFER = 256 * 1024
PARQUET_OPTIONS = {"write_statistics": True, "version": "2.6"}


def compression(schema: pa.Schema) -> dict:
    """Every file is zstd (the lake's convention), at the levels of ``zstd_levels``."""
    return {"compression": "zstd", "compression_level": zstd_levels(schema)}


@functools.cache
def zstd_levels(schema: pa.Schema) -> dict[str, int]:
    """Level 3, but 1 for the PII hashes: hex digits of random bytes hold no repeats worth
    searching for, only the entropy coder shrinks them. At level 3 the search took most of the
    time of writing ``clientes`` (0.40 s instead of 0.23 s) for a 3% larger file."""
    return {f.name: 1 if _is_hash(f) else 3 for f in schema}


def _is_hash(field: pa.Field) -> bool:
    return field.name.endswith("_hash")


@functools.cache  # per schema, not per file: a backfill writes thousands of files
def dictionary_columns(schema: pa.Schema) -> list[str]:
    """The columns worth dictionary encoding: text, except the PII hashes. Keys, amounts and
    instants are nearly all distinct and hashes entirely so: a dictionary of those is built
    only to be dropped, which made encoding up to twice as slow and the files bigger."""
    return [f.name for f in schema if f.type == pa.string() and not _is_hash(f)]


@dataclass
class DataFile:
    name: str
    rows: int
    bytes: int
    sha256: str


@dataclass
class Manifest:
    """What a partition holds; written last, swapped in with the data."""

    source: str
    table: str
    dt: str
    rows: int
    bytes: int
    files: list[DataFile]
    watermark: str | None  # ISO instant: every source change up to it is in the partition
    run_id: str  # the run that last confirmed this partition (written or checked unchanged)
    data_run_id: str  # the run that wrote the data files
    written_at: str
    schema: list[list[str]] = field(default_factory=list)

    @property
    def watermark_dt(self) -> datetime | None:
        return datetime.fromisoformat(self.watermark) if self.watermark else None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256("".join(f.sha256 for f in self.files).encode()).hexdigest()

    def to_json(self) -> str:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["files"] = [f.__dict__ for f in self.files]
        # not indented: only then does json use its C encoder (a backfill writes thousands)
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        data["files"] = [DataFile(**f) for f in data.get("files", [])]
        return cls(**data)


@functools.cache
def schema_listing(schema: pa.Schema) -> list[list[str]]:
    return [[f.name, str(f.type)] for f in schema]


# --- atomic directory exchange ------------------------------------------------------------
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_libc = None


def _renameat2_exchange(a: str, b: str) -> bool:
    """Atomically swap two paths; False if the kernel or filesystem cannot."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(_libc, "renameat2"):
        return False
    result = _libc.renameat2(_AT_FDCWD, a.encode(), _AT_FDCWD, b.encode(), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), f"{a} <-> {b}")


def _rename_if_absent(source: str, target: str) -> bool:
    """Rename ``source`` to ``target`` unless a partition is there (False then). Just the
    rename in the usual case, no check before it: the table's directory is created only when
    the rename says it is missing."""
    try:
        try:
            os.rename(source, target)
        except FileNotFoundError:  # the table's first partition
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.rename(source, target)
    except OSError as exc:  # a previous version, or one created meanwhile
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            return False
        raise
    return True


class Lake:
    """A lake rooted at ``url`` (``file:///…`` or ``s3://bucket/prefix``)."""

    def __init__(
        self,
        url: str,
        storage_options: dict | None = None,
        spool_dir: str | os.PathLike | None = None,
    ):
        self.url = url.rstrip("/")
        self.fs, root = fsspec.core.url_to_fs(self.url, **(storage_options or {}))
        self.root = root.rstrip("/")
        self.storage_options = storage_options or {}
        self.is_local = "file" in _protocols(self.fs)
        self.spool_dir = Path(spool_dir) if spool_dir else Path(tempfile.gettempdir())
        if self.is_local:
            Path(self.root).mkdir(parents=True, exist_ok=True)

    # --- paths --------------------------------------------------------------------------
    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def uri(self, path: str) -> str:
        """Full URL of a lake path (what DuckDB, Glue and humans are given)."""
        if self.is_local:
            return path
        return f"{_protocols(self.fs)[0]}://{path}"

    def table_path(self, spec: TableSpec) -> str:
        return self.path(spec.lake_prefix)

    def partition_path(self, spec: TableSpec, dt: str) -> str:
        return self.path(spec.lake_prefix, f"{PARTITION_KEY}={dt}")

    # --- reading ------------------------------------------------------------------------
    def read_manifest(self, spec: TableSpec, dt: str) -> Manifest | None:
        try:
            with self.fs.open(f"{self.partition_path(spec, dt)}/{MANIFEST}", "rb") as f:
                return Manifest.from_json(f.read().decode())
        except FileNotFoundError:
            return None

    def partitions(self, spec: TableSpec) -> list[str]:
        """Dates of every committed partition of ``spec``, ascending."""
        pattern = f"{self.table_path(spec)}/dt=*/{MANIFEST}"
        with contextlib.suppress(FileNotFoundError):
            self.fs.invalidate_cache()
        found = self.fs.glob(pattern)
        return sorted(p.rsplit("/", 2)[-2].removeprefix("dt=") for p in found)

    def read_partition(
        self,
        spec: TableSpec,
        dt: str,
        manifest: Manifest | None = None,
        columns: list[str] | None = None,
    ):
        """The rows of one partition (lake schema), or None if it does not exist."""
        manifest = manifest or self.read_manifest(spec, dt)
        if manifest is None:
            return None
        schema = spec.lake_schema
        if columns:
            schema = pa.schema([schema.field(c) for c in columns])
        tables = []
        for data_file in manifest.files:
            with self.fs.open(f"{self.partition_path(spec, dt)}/{data_file.name}", "rb") as f:
                tables.append(pq.read_table(f, columns=columns))
        if not tables:
            return schema.empty_table()
        return pa.concat_tables(tables)

    def read_partitions(
        self, spec: TableSpec, dts: Iterable[str], columns: list[str] | None = None
    ) -> pa.Table:
        """Rows of several partitions with their ``dt`` as a column (lake schema + dt), in
        the order of ``dts``: the files their manifests list, read as one Arrow dataset (one
        multithreaded scan, not one read per file: event tables have thousands of daily
        partitions)."""
        schema = spec.lake_schema
        if columns:
            schema = pa.schema([schema.field(c) for c in columns])
        schema = schema.append(pa.field(PARTITION_KEY, pa.string()))
        manifests = [m for m in (self.read_manifest(spec, dt) for dt in dts) if m is not None]
        files = [f"{self.partition_path(spec, m.dt)}/{f.name}" for m in manifests for f in m.files]
        if not files:
            return schema.empty_table()
        dataset = pads.dataset(
            files,
            schema=schema,
            format="parquet",
            filesystem=self._arrow_fs(),
            partitioning=pads.partitioning(pa.schema([schema.field(PARTITION_KEY)]), flavor="hive"),
            partition_base_dir=self.table_path(spec),
        )
        return dataset.to_table()

    def _arrow_fs(self) -> pafs.FileSystem:
        if self.is_local:
            return pafs.LocalFileSystem()
        return pafs.PyFileSystem(pafs.FSSpecHandler(self.fs))

    def data_files(self, spec: TableSpec) -> list[str]:
        return sorted(self.fs.glob(f"{self.table_path(spec)}/dt=*/*.parquet"))

    # --- writing ------------------------------------------------------------------------
    def writer(self, spec: TableSpec, dt: str, run_id: str) -> PartitionWriter:
        return PartitionWriter(self, spec, dt, run_id)

    def staging_root(self, run_id: str) -> Path:
        if self.is_local:
            return Path(self.path("_staging", run_id))
        return self.spool_dir / "cloudbank-lake-staging" / run_id

    def write_bytes(self, path: str, data: bytes) -> None:
        """Write one object atomically (temp name + rename locally; a single PUT on S3)."""
        if self.is_local:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
            temp.write_bytes(data)
            os.replace(temp, target)
        else:
            self.fs.pipe_file(path, data)

    def write_json(self, relative: str, obj) -> str:
        path = self.path(relative)
        self.write_bytes(path, json.dumps(obj, indent=2, sort_keys=True, default=str).encode())
        return self.uri(path)

    def update_manifest(self, spec: TableSpec, manifest: Manifest) -> None:
        """Rewrite only the manifest (e.g. a newer watermark for unchanged data)."""
        path = f"{self.partition_path(spec, manifest.dt)}/{MANIFEST}"
        self.write_bytes(path, manifest.to_json().encode())

    def publish(self, spec: TableSpec, dt: str, staged: Path) -> None:
        """Swap the staged partition directory in; see the module docstring."""
        final = self.partition_path(spec, dt)
        if self.is_local:
            if _rename_if_absent(str(staged), final):
                return
            if _renameat2_exchange(str(staged), final):
                shutil.rmtree(staged)  # now holds the previous version
                return
            # no RENAME_EXCHANGE here: two renames, a moment without the partition
            old = f"{staged}.old"
            os.rename(final, old)
            os.rename(staged, final)
            shutil.rmtree(old)
            return
        manifest = Manifest.from_json((staged / MANIFEST).read_text())
        previous = set()
        with contextlib.suppress(FileNotFoundError):
            previous = {p.rsplit("/", 1)[-1] for p in self.fs.ls(final, detail=False)}
        for data_file in manifest.files:
            self.fs.put_file(str(staged / data_file.name), f"{final}/{data_file.name}")
        self.fs.put_file(str(staged / MANIFEST), f"{final}/{MANIFEST}")
        stale = previous - {f.name for f in manifest.files} - {MANIFEST}
        for name in sorted(stale):
            self.fs.rm_file(f"{final}/{name}")
        shutil.rmtree(staged, ignore_errors=True)
        self.fs.invalidate_cache(final)

    def clean_staging(self, keep_run: str | None = None) -> None:
        """Remove what crashed runs left in the staging area."""
        root = self.staging_root("x").parent
        if root.exists():
            for child in root.iterdir():
                if child.name != keep_run:
                    shutil.rmtree(child, ignore_errors=True)


def _protocols(fs) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)


class PartitionWriter:
    """Writes one partition into the staging area; ``commit`` swaps it in."""

    def __init__(self, lake: Lake, spec: TableSpec, dt: str, run_id: str):
        self.lake, self.spec, self.dt, self.run_id = lake, spec, dt, run_id
        self.staged = lake.staging_root(run_id) / spec.lake_prefix / f"dt={dt}"
        self._staged_exists = False
        self.schema = spec.lake_schema
        self._dictionary = dictionary_columns(self.schema)
        self.files: list[DataFile] = []
        self._buffer: list[pa.RecordBatch] = []
        self._buffered = 0
        self._writer: pq.ParquetWriter | None = None
        self._file_rows = 0
        self._encoded: tuple[int, pa.Buffer] | None = None  # see encode()
        self.rows = 0
        self.max_watermark: datetime | None = None

    def _directory(self) -> Path:
        """The staged partition's directory, created with its first file: by the thread that
        writes the file (in a backfill, not the one splitting rows into partitions)."""
        if not self._staged_exists:
            try:
                self.staged.mkdir(parents=True)
            except FileExistsError:  # left by an earlier attempt of this run
                shutil.rmtree(self.staged)
                self.staged.mkdir()
            self._staged_exists = True
        return self.staged

    def suspend(self) -> None:
        """Write out what is buffered and close the current file (bounds open files and
        memory); writing resumes in a new one."""
        self._write_whole_file()
        self.flush()
        self._close_file()

    @property
    def open(self) -> bool:
        return self._writer is not None

    @property
    def buffered_rows(self) -> int:
        return self._buffered

    def write(self, data: pa.RecordBatch | pa.Table) -> None:
        if not data.num_rows:
            return
        if data.schema != self.schema:
            data = data.cast(self.schema)
        batches = data.to_batches() if isinstance(data, pa.Table) else [data]
        self._buffer.extend(batches)
        self._buffered += data.num_rows
        self.rows += data.num_rows
        if self._buffered >= ROW_GROUP_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._buffered:
            return
        table = pa.Table.from_batches(self._buffer, schema=self.schema)
        self._buffer, self._buffered = [], 0
        offset = 0
        while offset < table.num_rows:
            if self._writer is None or self._file_rows >= MAX_FILE_ROWS:
                self._next_file()
            take = min(table.num_rows - offset, MAX_FILE_ROWS - self._file_rows)
            self._writer.write_table(table.slice(offset, take), row_group_size=ROW_GROUP_ROWS)
            self._file_rows += take
            offset += take

    def _parquet_writer(self, sink) -> pq.ParquetWriter:
        return pq.ParquetWriter(
            sink,
            self.schema,
            use_dictionary=self._dictionary,
            **PARQUET_OPTIONS,
            **compression(self.schema),
        )

    def _next_file_name(self) -> str:
        return f"part-{len(self.files):05d}.parquet"

    def _next_file(self) -> None:
        self._close_file()
        name = self._next_file_name()
        self.files.append(DataFile(name=name, rows=0, bytes=0, sha256=""))
        self._sink = HashingFile(self._directory() / name)
        # buffered on the C++ side: the encoder calls into Python once per 256 KiB written,
        # not once a page, so it rarely waits for the GIL held by another thread
        self._stream = pa.BufferedOutputStream(pa.PythonFile(self._sink, mode="w"), SINK_BUFFER)
        self._writer = self._parquet_writer(self._stream)
        self._file_rows = 0

    def _close_file(self) -> None:
        if self._writer is None:
            return
        self._writer.close()
        self._stream.close()
        self._sink.close()
        current = self.files[-1]
        current.rows = self._file_rows
        current.bytes = self._sink.size
        current.sha256 = self._sink.sha256
        # a closed stream keeps its buffer: thousands of staged partitions would hold one each
        self._writer = self._stream = self._sink = None

    def encode(self) -> None:
        """Encode the buffered rows in memory as one whole file, if no file is open (rows of a
        small partition: a daily one). Only CPU, mostly outside the GIL: threads can encode
        many partitions at once while others do the file system work of ``commit``.
        The bytes are the same as a streamed write's."""
        if self._writer is not None or not self._buffered:
            return
        table = pa.Table.from_batches(self._buffer, schema=self.schema)
        self._buffer, self._buffered = [], 0
        sink = pa.BufferOutputStream()
        with self._parquet_writer(sink) as writer:
            writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        self._encoded = (table.num_rows, sink.getvalue())

    def _write_whole_file(self) -> None:
        """Write the rows buffered with no file open as one file, encoded in memory and written
        at once: no Python callbacks from the encoder, which would wait for the GIL whenever
        another thread (the reader, hashing PII) holds it."""
        self.encode()
        if self._encoded is None:
            return
        (rows, data), self._encoded = self._encoded, None
        name = self._next_file_name()
        file = HashingFile(self._directory() / name)
        try:
            file.write(data)
        finally:
            file.close()
        self.files.append(DataFile(name, rows, file.size, file.sha256))

    def finish(self, watermark: datetime | None) -> Manifest:
        """Close the files and write the manifest into the staged partition."""
        self.suspend()
        manifest = Manifest(
            source=self.spec.source,
            table=self.spec.name,
            dt=self.dt,
            rows=sum(f.rows for f in self.files),
            bytes=sum(f.bytes for f in self.files),
            files=list(self.files),
            watermark=watermark.isoformat() if watermark else None,
            run_id=self.run_id,
            data_run_id=self.run_id,
            written_at=datetime.now(UTC).isoformat(),
            schema=schema_listing(self.schema),
        )
        # an explicit buffer size spares an isatty and an fstat call per file (thousands)
        with open(self._directory() / MANIFEST, "xb", buffering=1 << 16) as f:
            f.write(manifest.to_json().encode())
        return manifest

    def commit(self, watermark: datetime | None) -> Manifest:
        manifest = self.finish(watermark)
        self.lake.publish(self.spec, self.dt, self.staged)
        return manifest

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            if self._writer is not None:
                self._writer.close()
                self._stream.close()
                self._sink.close()
        shutil.rmtree(self.staged, ignore_errors=True)


class HashingFile(io.RawIOBase):
    """A new file that takes the SHA-256 and size of what is written to it as it goes, so the
    manifest's checksum costs no second read of the file."""

    def __init__(self, path: str | os.PathLike):
        self._file = open(path, "xb", buffering=0)  # noqa: SIM115 - closed in close()
        self._digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._digest.update(data)
        view = memoryview(data)
        while view:
            view = view[self._file.write(view) :]
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def close(self) -> None:
        self._file.close()
        super().close()

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()
