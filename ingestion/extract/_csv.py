"""CSV as the wire format between a SQL source and Arrow: the source renders each row (exactly:
integers for money and timestamps, ISO dates, quoted strings), pyarrow parses it in C++.

Nulls are unquoted empty fields; an empty string is a quoted empty field (``""``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.csv as pcsv

from ingestion.tables import TS, TableSpec


def wire_types(spec: TableSpec) -> dict[str, pa.DataType]:
    """Column types as they arrive on the wire: timestamps are epoch microseconds."""
    return {c.name: (pa.int64() if c.type == TS else c.type) for c in spec.columns}


def options(spec: TableSpec, block_size: int = 1 << 22):
    names = [c.name for c in spec.columns]
    read = pcsv.ReadOptions(column_names=names, block_size=block_size, use_threads=True)
    parse = pcsv.ParseOptions(newlines_in_values=True, double_quote=True)
    convert = pcsv.ConvertOptions(
        column_types=wire_types(spec),
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    return read, parse, convert


class ChunkStream(io.RawIOBase):
    """A readable binary file over an iterator of byte chunks (no copy of the whole).

    ``readinto`` fills the whole buffer it is given, from as many chunks as it takes:
    PostgreSQL's COPY sends one chunk per row, and one Python call per row from the reader
    above would cost more than parsing the CSV."""

    def __init__(self, chunks: Iterable[bytes | memoryview]):
        self._chunks = iter(chunks)
        self._view = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        target = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(target):
            if not len(self._view):
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._view = memoryview(chunk).cast("B")
            n = min(len(target) - filled, len(self._view))
            target[filled : filled + n] = self._view[:n]
            self._view = self._view[n:]
            filled += n
        return filled
