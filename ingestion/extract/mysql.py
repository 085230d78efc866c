"""MariaDB/MySQL: keyset-paginated chunks, each rendered by the server as one CSV text.

PyMySQL is pure Python: decoding a result row by row (even with an unbuffered ``SSCursor``)
tops out far below the throughput we need (measured here: ~40k rows/s with conversions
off). So each round trip asks for the next ``batch_rows`` rows after the last primary key
seen (``WHERE pk > last ORDER BY pk LIMIT n``, an index range scan) and has the server
concatenate them into a single CSV value (``GROUP_CONCAT`` of ``CONCAT_WS``, in no particular
order), which pyarrow parses in C++; the chunk is then sorted by key. Memory stays bounded by
one chunk; the order is the primary key's, so output is deterministic. Values travel as the
server's own text (``_csv`` turns money into céntimos and labels timestamps UTC, exactly).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime

import pyarrow as pa
import pyarrow.csv as pcsv
import pymysql
import pymysql.converters

from ingestion.extract import _csv
from ingestion.extract.base import DEFAULT_BATCH_ROWS, Extractor, SourceProfile, Window
from ingestion.tables import TableSpec

# encoders only: result values stay text (we parse the CSV ourselves)
_ENCODERS = {k: v for k, v in pymysql.converters.conversions.items() if not isinstance(k, int)}
_MAX_CHUNK_BYTES = 1 << 30


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _csv_field(spec: TableSpec, name: str) -> str:
    """A column as CSV text: the server's own rendering, which costs it less than arithmetic
    (epoch microseconds and céntimos computed by the server made a chunk ~25% slower);
    strings quoted. ``IFNULL``: ``CONCAT_WS`` would skip a NULL, shifting the fields."""
    column, ident = spec.column(name), _q(name)
    if column.type == pa.string():
        return f"IF({ident} IS NULL, '', CONCAT('\"', REPLACE({ident}, '\"', '\"\"'), '\"'))"
    return f"IFNULL({ident}, '')"


def _fmt(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


class MySQLExtractor(Extractor):
    engine = "mysql"

    def __init__(self, host: str, port: int, user: str, password: str, database: str):
        self.params = {
            "host": host,
            "port": port,
            "user": user,
            "password": password,
            "database": database,
        }
        self._conn: pymysql.Connection | None = None

    @property
    def conn(self) -> pymysql.Connection:
        if self._conn is None or not self._conn.open:
            self._conn = pymysql.connect(
                **self.params, charset="utf8mb4", autocommit=True, conv=_ENCODERS
            )
            with self._conn.cursor() as cur:
                cur.execute("SET time_zone = '+00:00'")
                cur.execute(f"SET SESSION group_concat_max_len = {_MAX_CHUNK_BYTES}")
        return self._conn

    def close(self) -> None:
        if self._conn is not None and self._conn.open:
            self._conn.close()
        self._conn = None

    def _where(self, spec: TableSpec, window: Window) -> tuple[list[str], list]:
        clauses, params = [], []
        lower, upper = window.bounds()
        if spec.partition_by and lower:
            clauses.append(f"{_q(spec.partition_by)} >= %s")
            params.append(_fmt(lower))
        if spec.partition_by and upper:
            clauses.append(f"{_q(spec.partition_by)} < %s")
            params.append(_fmt(upper))
        if window.since:
            clauses.append(f"{_q(spec.watermark)} > %s")
            params.append(_fmt(window.since))
        if window.until:
            clauses.append(f"{_q(spec.watermark)} <= %s")
            params.append(_fmt(window.until))
        return clauses, params

    def batches(
        self, spec: TableSpec, window: Window, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        pk = _q(spec.primary_key)
        clauses, params = self._where(spec, window)
        line = "CONCAT_WS(',', " + ", ".join(_csv_field(spec, c.name) for c in spec.columns) + ")"
        where = " AND ".join([f"{pk} > %s", *clauses])
        query = (
            f"SELECT COUNT(*), MAX(k), GROUP_CONCAT(line SEPARATOR '\\n') FROM "
            f"(SELECT {pk} AS k, {line} AS line FROM {_q(spec.name)} WHERE {where} "
            f"ORDER BY {pk} LIMIT {int(batch_rows)}) AS chunk"
        )
        read, parse, convert = _csv.options(spec)
        last = -(2**63)  # every key type we use is an integer
        with self.conn.cursor() as cur:
            while True:
                cur.execute(query, [last, *params])
                count, last_key, text = cur.fetchone()
                if not int(count):
                    return
                data = text.encode() if isinstance(text, str) else bytes(text)
                table = pcsv.read_csv(
                    io.BytesIO(data + b"\n"),
                    read_options=read,
                    parse_options=parse,
                    convert_options=convert,
                )
                # sorted here, not by GROUP_CONCAT: the server then sorts no text (~20% of it)
                for batch in table.sort_by(spec.primary_key).to_batches():
                    yield _csv.to_source_schema(batch, spec)
                if int(count) < batch_rows:
                    return
                last = int(last_key)

    def _scalar_rows(self, query: str, params: list) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(query, params)
            return list(cur.fetchall())

    def profile(self, spec: TableSpec, window: Window) -> SourceProfile:
        clauses, params = self._where(spec, window)
        where = " AND ".join(clauses) or "TRUE"
        rows = self._scalar_rows(f"SELECT COUNT(*) FROM {_q(spec.name)} WHERE {where}", params)
        profile = SourceProfile(rows=int(rows[0][0]))
        currency = spec.currency_column
        for money in spec.money_columns:
            group = _q(currency) if currency else "''"
            result = self._scalar_rows(
                f"SELECT {group}, CAST(SUM({_q(money)} * 100) AS SIGNED) FROM {_q(spec.name)} "
                f"WHERE {where} GROUP BY 1",
                params,
            )
            profile.sums[money] = {str(k): int(v or 0) for k, v in result}
        return profile

    def changed_keys(
        self, spec: TableSpec, window: Window, after: datetime, column: str | None = None
    ) -> list:
        clauses, params = self._where(spec, Window(window.start, window.end, since=after))
        rows = self._scalar_rows(
            f"SELECT DISTINCT {_q(column or spec.primary_key)} FROM {_q(spec.name)} "
            f"WHERE {' AND '.join(clauses)}",
            params,
        )
        return [int(r[0]) for r in rows]

    def first_date(self, spec: TableSpec):
        rows = self._scalar_rows(
            f"SELECT DATE_FORMAT(MIN({_q(spec.partition_by)}), '%%Y-%%m-%%d') FROM {_q(spec.name)}",
            [],
        )
        return date.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def execute(self, statement: str, params=None) -> None:
        """Run a statement on the source (tests and tooling)."""
        with self.conn.cursor() as cur:
            cur.execute(statement, params)
