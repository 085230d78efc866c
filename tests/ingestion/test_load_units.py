"""Pieces of the loader that need no database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingestion.lake import compression
from ingestion.load import FILE_SYSTEM_THREADS, _written, prefetched
from ingestion.tables import get_table


def test_prefetched_yields_every_item_in_order_from_another_thread():
    producers = set()

    def items():
        for i in range(5):
            producers.add(threading.get_ident())
            yield i

    assert list(prefetched(items())) == [0, 1, 2, 3, 4]
    assert producers and threading.get_ident() not in producers


def test_prefetched_raises_the_producers_error_after_the_items_before_it():
    def items():
        yield 1
        raise OSError("source gone")

    got = []
    with pytest.raises(OSError, match="source gone"):
        for item in prefetched(items()):
            got.append(item)
    assert got == [1]


def test_prefetched_stops_reading_ahead_when_the_consumer_stops():
    produced = []

    def items():
        for i in range(100):
            produced.append(i)
            yield i

    stream = prefetched(items())
    assert next(stream) == 0
    stream.close()
    assert len(produced) <= 2  # the item handed out and at most one read ahead


class FakeWriter:
    def __init__(self, dt: str):
        self.dt, self.encoded = dt, False

    def encode(self) -> None:
        self.encoded = True


def test_written_steps_each_encoded_partition_off_the_callers_thread_in_order():
    writers = {f"2025-03-{d:02d}": FakeWriter(f"2025-03-{d:02d}") for d in range(1, 31)}
    threads = set()

    def step(writer: FakeWriter) -> str:
        assert writer.encoded
        threads.add(threading.get_ident())
        return writer.dt.upper()

    done = list(_written(list(writers), writers, step))
    assert done == [(dt, dt.upper()) for dt in writers]
    assert 0 < len(threads) <= FILE_SYSTEM_THREADS
    assert threading.get_ident() not in threads


def test_written_raises_a_steps_error():
    writers = {"2025-03-01": FakeWriter("2025-03-01"), "2025-03-02": FakeWriter("2025-03-02")}

    def step(writer: FakeWriter) -> str:
        if writer.dt == "2025-03-02":
            raise OSError("disk full")
        return writer.dt

    got = []
    with pytest.raises(OSError, match="disk full"):
        for dt, _ in _written(list(writers), writers, step):
            got.append(dt)
    assert got == ["2025-03-01"]


def tipos_cuenta(rows: int) -> pa.Table:
    spec = get_table("tipos_cuenta")
    at = datetime(2025, 3, 1, tzinfo=UTC)
    values = {
        "tipo_cuenta_id": range(rows),
        "nombre": [f"tipo {i % 7}" for i in range(rows)],
        "descripcion": [None] * rows,
        "costo_mantenimiento": [i * 10 for i in range(rows)],
        "tasa_interes": [Decimal("1.25")] * rows,
        "estado": ["activo"] * rows,
        "updated_at": [at] * rows,
    }
    return pa.table({k: list(v) for k, v in values.items()}, schema=spec.lake_schema)


@pytest.mark.parametrize("rows", [1, 5_000])
def test_every_file_is_zstd(lake, rows):
    spec = get_table("tipos_cuenta")
    writer = lake.writer(spec, "2025-03-01", "run-1")
    writer.write(tipos_cuenta(rows))
    manifest = writer.commit(None)
    path = f"{lake.partition_path(spec, '2025-03-01')}/{manifest.files[0].name}"
    metadata = pq.ParquetFile(path).metadata
    columns = metadata.row_group(0).num_columns
    assert {metadata.row_group(0).column(i).compression for i in range(columns)} == {"ZSTD"}
    assert pq.read_table(path).equals(tipos_cuenta(rows))


def test_the_pii_hashes_are_compressed_at_the_fastest_zstd_level():
    schema = get_table("clientes").lake_schema
    settings = compression(schema)
    assert settings["compression"] == "zstd"
    levels = settings["compression_level"]
    assert {name for name, level in levels.items() if level == 1} == {
        "email_hash",
        "telefono_hash",
    }
    assert set(levels) == set(schema.names)
    assert {level for name, level in levels.items() if not name.endswith("_hash")} == {3}
