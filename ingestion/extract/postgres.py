"""PostgreSQL: ``COPY (SELECT …) TO STDOUT`` streamed through pyarrow's CSV reader.

The query renders money as integer céntimos (``(x * 100)::bigint``, exact) and timestamps as
epoch microseconds, so nothing goes through Python objects or floats; memory is bounded by
pyarrow's block size, whatever the table size.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pyarrow as pa
import pyarrow.csv as pcsv
from psycopg import sql

from ingestion.extract import _csv
from ingestion.extract.base import (
    DEFAULT_BATCH_ROWS,
    Extractor,
    SourceProfile,
    Window,
    epoch_us_to_timestamps,
)
from ingestion.tables import TS, TableSpec


def _select_expr(spec: TableSpec, name: str) -> sql.Composable:
    column = spec.column(name)
    ident = sql.Identifier(name)
    if column.type == TS:
        return sql.SQL("(extract(epoch from {}) * 1000000)::bigint").format(ident)
    if column.money:
        return sql.SQL("({} * 100)::bigint").format(ident)
    return ident


class PostgresExtractor(Extractor):
    engine = "postgres"

    def __init__(self, dsn: str):
        self.dsn = dsn
        self._conn: psycopg.Connection | None = None

    @property
    def conn(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.dsn, autocommit=True)
            self._conn.execute("SET TIME ZONE 'UTC'")
            self._conn.execute("SET DateStyle = 'ISO, YMD'")
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _where(self, spec: TableSpec, window: Window) -> sql.Composable:
        clauses: list[sql.Composable] = [sql.SQL("TRUE")]
        lower, upper = window.bounds()
        if spec.partition_by and lower:
            clauses.append(
                sql.SQL("{} >= {}").format(sql.Identifier(spec.partition_by), sql.Literal(lower))
            )
        if spec.partition_by and upper:
            clauses.append(
                sql.SQL("{} < {}").format(sql.Identifier(spec.partition_by), sql.Literal(upper))
            )
        if window.since:
            clauses.append(
                sql.SQL("{} > {}").format(sql.Identifier(spec.watermark), sql.Literal(window.since))
            )
        if window.until:
            clauses.append(
                sql.SQL("{} <= {}").format(
                    sql.Identifier(spec.watermark), sql.Literal(window.until)
                )
            )
        return sql.SQL(" AND ").join(clauses)

    def batches(
        self, spec: TableSpec, window: Window, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        query = sql.SQL(
            "COPY (SELECT {} FROM {} WHERE {} ORDER BY {}) TO STDOUT (FORMAT csv)"
        ).format(
            sql.SQL(", ").join(_select_expr(spec, c.name) for c in spec.columns),
            sql.Identifier(spec.name),
            self._where(spec, window),
            sql.Identifier(spec.primary_key),
        )
        # ~100 bytes a row: a block of batch_rows * 100 bytes gives batches of about batch_rows
        read, parse, convert = _csv.options(spec, block_size=max(1 << 16, batch_rows * 100))
        with self.conn.cursor() as cur, cur.copy(query) as copy:
            chunks = iter(copy)
            first = next(chunks, None)
            if first is None:
                return
            stream = io.BufferedReader(
                _csv.ChunkStream(_prepend(bytes(first), chunks)), buffer_size=1 << 20
            )
            reader = pcsv.open_csv(
                stream, read_options=read, parse_options=parse, convert_options=convert
            )
            for batch in reader:
                if batch.num_rows:
                    yield epoch_us_to_timestamps(batch, spec)

    def profile(self, spec: TableSpec, window: Window) -> SourceProfile:
        where = self._where(spec, window)
        rows = self.conn.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE {}").format(sql.Identifier(spec.name), where)
        ).fetchone()[0]
        profile = SourceProfile(rows=int(rows))
        currency = spec.currency_column
        for money in spec.money_columns:
            group = sql.Identifier(currency) if currency else sql.Literal("")
            result = self.conn.execute(
                sql.SQL("SELECT {}, sum(({} * 100)::bigint) FROM {} WHERE {} GROUP BY 1").format(
                    group, sql.Identifier(money), sql.Identifier(spec.name), where
                )
            ).fetchall()
            profile.sums[money] = {str(k): int(v or 0) for k, v in result}
        return profile

    def changed_keys(
        self, spec: TableSpec, window: Window, after: datetime, column: str | None = None
    ) -> list:
        where = self._where(spec, Window(window.start, window.end, since=after))
        result = self.conn.execute(
            sql.SQL("SELECT DISTINCT {} FROM {} WHERE {}").format(
                sql.Identifier(column or spec.primary_key), sql.Identifier(spec.name), where
            )
        ).fetchall()
        return [r[0] for r in result]

    def first_date(self, spec: TableSpec):
        value = self.conn.execute(
            sql.SQL("SELECT min({}) FROM {}").format(
                sql.Identifier(spec.partition_by), sql.Identifier(spec.name)
            )
        ).fetchone()[0]
        return value.astimezone(UTC).date() if value else None

    def execute(self, statement: str, params=None) -> None:
        """Run a statement on the source (tests and tooling)."""
        self.conn.execute(statement, params)


def _prepend(first: bytes, rest):
    yield first
    yield from rest
