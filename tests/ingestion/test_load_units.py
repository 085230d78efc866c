"""Pieces of the loader that need no database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingestion.lake import SMALL_FILE_ROWS
from ingestion.load import prefetched
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


@pytest.mark.parametrize(
    ("rows", "codec"), [(SMALL_FILE_ROWS - 1, "SNAPPY"), (SMALL_FILE_ROWS, "ZSTD")]
)
def test_small_files_are_snappy_and_the_others_zstd(lake, rows, codec):
    spec = get_table("tipos_cuenta")
    writer = lake.writer(spec, "2025-03-01", "run-1")
    writer.write(tipos_cuenta(rows))
    manifest = writer.commit(None)
    path = f"{lake.partition_path(spec, '2025-03-01')}/{manifest.files[0].name}"
    metadata = pq.ParquetFile(path).metadata
    columns = metadata.row_group(0).num_columns
    assert {metadata.row_group(0).column(i).compression for i in range(columns)} == {codec}
    assert pq.read_table(path).equals(tipos_cuenta(rows))
