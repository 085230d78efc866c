"""CSV as the wire format between MariaDB and Arrow: the server renders each row (exactly:
integers for money and timestamps, ISO dates, quoted strings), pyarrow parses it in C++.

Nulls are unquoted empty fields; an empty string is a quoted empty field (``""``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pcsv

from ingestion.tables import TS, TableSpec


def wire_types(spec: TableSpec) -> dict[str, pa.DataType]:
    """Column types as they arrive on the wire: timestamps are epoch microseconds."""
    return {c.name: (pa.int64() if c.type == TS else c.type) for c in spec.columns}


def options(spec: TableSpec):
    names = [c.name for c in spec.columns]
    read = pcsv.ReadOptions(column_names=names, block_size=1 << 22, use_threads=True)
    parse = pcsv.ParseOptions(newlines_in_values=True, double_quote=True)
    convert = pcsv.ConvertOptions(
        column_types=wire_types(spec),
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    return read, parse, convert
