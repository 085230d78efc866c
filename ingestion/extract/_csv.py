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
    """A readable binary file over an iterator of byte chunks (no copy of the whole)."""

    def __init__(self, chunks: Iterable[bytes | memoryview]):
        self._chunks = iter(chunks)
        self._view = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not len(self._view):
            try:
                self._view = memoryview(bytes(next(self._chunks)))
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._view))
        buffer[:n] = self._view[:n]
        self._view = self._view[n:]
        return n
