"""PostgreSQL: the table's rows streamed as Arrow record batches by the ADBC driver.

The ADBC PostgreSQL driver reads a ``COPY … (FORMAT binary)`` of the query in C++ and hands
over Arrow batches of a bounded size (``batch_size_hint_bytes``), so no Python runs per row
and memory is bounded by one batch, whatever the table size. Timestamps arrive as
``timestamp[us, UTC]`` (``timestamptz`` is UTC on the wire); money is rendered as integer
céntimos by the query (``(x * 100)::bigint``, exact: never through floats). Each batch is cast
to the table's declared schema, so a source type that drifts fails loudly instead of changing
the lake's types.

The small queries (reconciliation profiles, changed keys, tooling) go through psycopg.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import adbc_driver_postgresql.dbapi as adbc
import psycopg
import pyarrow as pa
from psycopg import sql

from ingestion.extract.base import DEFAULT_BATCH_ROWS, Extractor, SourceProfile, Window
from ingestion.tables import TableSpec

#: rows are ~100 bytes on the wire: batches of this many bytes hold about ``batch_rows`` rows
_BYTES_PER_ROW = 100


def _select_expr(spec: TableSpec, name: str) -> sql.Composable:
    ident = sql.Identifier(name)
    if spec.column(name).money:
        return sql.SQL("({} * 100)::bigint").format(ident)
    return ident


def _typed(batch: pa.RecordBatch, spec: TableSpec) -> pa.RecordBatch:
    """``batch`` in ``spec.source_schema`` (a no-op cast for the types the driver already
    returns; an error for one it cannot be cast to safely)."""
    schema = spec.source_schema
    arrays = [values.cast(f.type) for values, f in zip(batch.columns, schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class PostgresExtractor(Extractor):
    engine = "postgres"

    def __init__(self, dsn: str):
        self.dsn = dsn
        self._conn: psycopg.Connection | None = None
        self._arrow: adbc.Connection | None = None

    @property
    def conn(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.dsn, autocommit=True)
            self._conn.execute("SET TIME ZONE 'UTC'")
            self._conn.execute("SET DateStyle = 'ISO, YMD'")
        return self._conn

    @property
    def arrow(self) -> adbc.Connection:
        """The ADBC connection that streams ``batches`` (autocommit: no transaction left open
        between reads)."""
        if self._arrow is None:
            self._arrow = adbc.connect(self.dsn, autocommit=True)
        return self._arrow

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._arrow is not None:
            self._arrow.close()
            self._arrow = None

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
        query = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY {}").format(
            sql.SQL(", ").join(_select_expr(spec, c.name) for c in spec.columns),
            sql.Identifier(spec.name),
            self._where(spec, window),
            sql.Identifier(spec.primary_key),
        )
        with self.arrow.cursor() as cur:
            cur.adbc_statement.set_options(
                **{"adbc.postgresql.batch_size_hint_bytes": str(batch_rows * _BYTES_PER_ROW)}
            )
            # the window's bounds are literals in the text, not bound parameters: the driver
            # streams a query's result through COPY only when it has no parameters
            cur.execute(query.as_string())
            for batch in cur.fetch_record_batch():
                if batch.num_rows:
                    yield _typed(batch, spec)

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
