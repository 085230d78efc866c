"""cuentas and movimientos into MariaDB/MySQL, in one transaction.

``LOAD DATA LOCAL INFILE`` when the server allows it (``local_infile``), else multi-row
INSERTs (PyMySQL's ``executemany`` packs rows into statements of about 1 MB). With LOCAL the
server turns row errors into warnings, so any warning or short count aborts the load.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

import pymysql

from seed.dataset import Dataset
from seed.load import LoadError, TableStat, progress
from services.common.settings import Settings

STORE = "mariadb"
TABLES = ("cuentas", "movimientos")
#: emptied by --reset besides TABLES (API state that refers to seeded accounts)
RESET_ALSO = ("idempotencia",)
_CHUNK = 5_000


def connect(settings: Settings) -> pymysql.connections.Connection:
    return pymysql.connect(
        host=settings.host,
        port=settings.port(settings.mysql_port),
        user=settings.mysql_user,
        password=settings.mysql_password,
        database=settings.mysql_database,
        charset="utf8mb4",
        local_infile=True,
        autocommit=True,
        connect_timeout=5,
        # TIMESTAMP columns convert from the session time zone: ours are UTC
        init_command="SET time_zone = '+00:00'",
    )


def _tables(conn) -> set[str]:
    with conn.cursor() as cur:
        cur.execute("SHOW TABLES")
        return {row[0] for row in cur.fetchall()}


def _require_tables(conn) -> None:
    missing = [t for t in ("tipos_cuenta", *TABLES) if t not in _tables(conn)]
    if missing:
        raise LoadError(
            f"MariaDB has no table {', '.join(missing)}: run the cuentas migrations first "
            "(python -m services.cuentas.migrate)"
        )


def existing_rows(conn) -> int:
    """Rows already in cuentas."""
    _require_tables(conn)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM cuentas")
        return cur.fetchone()[0]


def reset(conn) -> None:
    """Empty the seeded tables (tipos_cuenta stays); AUTO_INCREMENT restarts."""
    _require_tables(conn)
    present = _tables(conn)
    with conn.cursor() as cur:
        cur.execute("SET foreign_key_checks = 0")
        try:
            for table in (*RESET_ALSO, *reversed(TABLES)):
                if table in present:
                    cur.execute(f"TRUNCATE TABLE `{table}`")
        finally:
            cur.execute("SET foreign_key_checks = 1")


def local_infile_allowed(conn) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT @@GLOBAL.local_infile")
        return bool(cur.fetchone()[0])


def _utc_naive(value: datetime) -> datetime:
    """TIMESTAMP values are read in the session time zone, which we set to UTC."""
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None)


def _timestamp(value: datetime) -> str:
    return _utc_naive(value).isoformat(" ", "microseconds")


def _escape(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return value


def _text_writer(rows: list):
    """A function turning a row into a line of LOAD DATA's default text format, with one
    converter per column chosen once from the column's Python type."""
    converters = []
    for column in type(rows[0]).columns:
        kind = next((type(getattr(r, column)) for r in rows if getattr(r, column) is not None), str)
        if issubclass(kind, datetime):
            convert = _timestamp
        elif issubclass(kind, (date, Decimal, int)):
            convert = str
        else:
            convert = _escape
        converters.append(convert)

    def line(row) -> str:
        return (
            "\t".join(
                "\\N" if v is None else f(v) for f, v in zip(converters, row.values(), strict=True)
            )
            + "\n"
        )

    return line


def _sql_value(value):
    return _utc_naive(value) if isinstance(value, datetime) else value


def _load_data(cur, table: str, columns: tuple[str, ...], rows: list, bar) -> None:
    line = _text_writer(rows)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False) as f:
        path = f.name
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            f.writelines(map(line, chunk))
            bar.update(len(chunk) / 2)
    try:
        loaded = cur.execute(
            f"LOAD DATA LOCAL INFILE %s INTO TABLE `{table}` CHARACTER SET utf8mb4 "
            "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
            f"({', '.join(columns)})",
            (path,),
        )
        cur.execute("SHOW WARNINGS LIMIT 5")
        warnings = cur.fetchall()
    finally:
        os.unlink(path)
    if warnings or loaded != len(rows):
        detail = "; ".join(f"{w[0]} {w[1]}: {w[2]}" for w in warnings) or "rows were skipped"
        raise LoadError(f"MariaDB loaded {loaded} of {len(rows)} rows into {table}: {detail}")
    bar.update(len(rows) - bar.n)


def _insert(cur, table: str, columns: tuple[str, ...], rows: list, bar) -> None:
    statement = (
        f"INSERT INTO `{table}` ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    )
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        cur.executemany(statement, [tuple(map(_sql_value, r.values())) for r in chunk])
        bar.update(len(chunk))


def load(conn, dataset: Dataset, show_progress: bool, method: str = "auto") -> list[TableStat]:
    """Load every row with its explicit id (AUTO_INCREMENT then follows the largest id).

    ``method``: ``load-data``, ``insert`` or ``auto`` (LOAD DATA when the server allows it).
    """
    _require_tables(conn)
    if method == "auto":
        method = "load-data" if local_infile_allowed(conn) else "insert"
    writer = _load_data if method == "load-data" else _insert
    rows_by_table: dict[str, list] = {
        "cuentas": dataset.cuentas,
        "movimientos": dataset.movimientos,
    }
    stats = []
    with conn.cursor() as cur:
        cur.execute("SET unique_checks = 0, foreign_key_checks = 0")
        conn.begin()
        try:
            for table in TABLES:
                rows: Iterable = rows_by_table[table]
                started = time.perf_counter()
                columns = type(rows[0]).columns if rows else ()
                with progress(table, len(rows), show_progress) as bar:
                    if rows:
                        writer(cur, table, columns, rows, bar)
                stats.append(TableStat(STORE, table, len(rows), time.perf_counter() - started))
            conn.commit()
        except pymysql.MySQLError as exc:
            conn.rollback()
            raise LoadError(f"MariaDB rejected the seed data: {exc.args[-1]}") from exc
        except BaseException:
            conn.rollback()
            raise
        finally:
            cur.execute("SET unique_checks = 1, foreign_key_checks = 1")
    return stats
