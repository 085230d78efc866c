"""CSV as the wire format between MariaDB and Arrow: the server renders each row as its own
text for numbers, decimals, dates and timestamps (UTC, the session's time zone) and quotes
strings; pyarrow parses it in C++ and the columns are then brought to the table's types.

Nulls are unquoted empty fields; an empty string is a quoted empty field (``""``). Money
arrives as decimal text (``123.40``) and becomes int64 céntimos in Arrow, exactly: a value
with more than two decimals fails to parse instead of being rounded.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ingestion.tables import TS, Column, TableSpec

WIRE_TS = pa.timestamp("us")  # UTC text without an offset, which pyarrow parses only as naive
WIRE_MONEY = pa.decimal128(18, 2)


def wire_type(column: Column) -> pa.DataType:
    """How a column arrives on the wire."""
    if column.money:
        return WIRE_MONEY
    if column.type == TS:
        return WIRE_TS
    return column.type


def wire_types(spec: TableSpec) -> dict[str, pa.DataType]:
    return {c.name: wire_type(c) for c in spec.columns}


def to_source_schema(batch: pa.RecordBatch, spec: TableSpec) -> pa.RecordBatch:
    """A parsed batch in ``spec.source_schema``: UTC timestamps, money in céntimos."""
    arrays = []
    for column, values in zip(spec.columns, batch.columns, strict=True):
        if column.money:
            values = pc.multiply(values, 100).cast(column.type)  # exact: fails on a fraction
        elif column.type == TS:
            values = values.cast(TS)  # the same instants, labelled UTC
        arrays.append(values)
    return pa.RecordBatch.from_arrays(arrays, schema=spec.source_schema)


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
