"""clientes and documentos_identidad into PostgreSQL with COPY, in one transaction."""

from __future__ import annotations

import time

import psycopg
from psycopg import sql

from seed.dataset import Dataset
from seed.load import LoadError, TableStat, progress
from services.common.settings import Settings

STORE = "postgres"
#: Load order (parents first) with each table's identity column.
TABLES = (("clientes", "cliente_id"), ("documentos_identidad", "documento_id"))
_CHUNK = 2_000


def connect(settings: Settings) -> psycopg.Connection:
    """An autocommit connection: every step below runs in its own explicit transaction."""
    return psycopg.connect(settings.postgres_dsn, connect_timeout=5, autocommit=True)


def _require_tables(conn: psycopg.Connection) -> None:
    for table, _ in TABLES:
        if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is None:
            raise LoadError(
                f"PostgreSQL has no table {table!r}: run the clientes migrations first "
                "(python -m services.clientes.migrate)"
            )


def existing_rows(conn: psycopg.Connection) -> int:
    """Rows already in clientes."""
    _require_tables(conn)
    with conn.transaction():
        return conn.execute("SELECT count(*) FROM clientes").fetchone()[0]


def reset(conn: psycopg.Connection) -> None:
    """Empty the seeded tables and restart their identities."""
    _require_tables(conn)
    with conn.transaction():
        conn.execute("TRUNCATE documentos_identidad, clientes RESTART IDENTITY")


def load(conn: psycopg.Connection, dataset: Dataset, show_progress: bool) -> list[TableStat]:
    """COPY every row with its explicit id, then move each identity past the largest id."""
    _require_tables(conn)
    rows_by_table = {"clientes": dataset.clientes, "documentos_identidad": dataset.documentos}
    stats = []
    try:
        with conn.transaction(), conn.cursor() as cur:
            for table, id_column in TABLES:
                rows = rows_by_table[table]
                started = time.perf_counter()
                columns = type(rows[0]).columns if rows else ()
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
                )
                with progress(table, len(rows), show_progress) as bar, cur.copy(statement) as copy:
                    for start in range(0, len(rows), _CHUNK):
                        chunk = rows[start : start + _CHUNK]
                        for row in chunk:
                            copy.write_row(row.values())
                        bar.update(len(chunk))
                # the next id the API hands out follows the seeded ones
                cur.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence(%s, %s), "
                        "coalesce((SELECT max({id}) FROM {table}), 0) + 1, false)"
                    ).format(id=sql.Identifier(id_column), table=sql.Identifier(table)),
                    (table, id_column),
                )
                stats.append(TableStat(STORE, table, len(rows), time.perf_counter() - started))
            cur.execute("ANALYZE clientes, documentos_identidad")  # fresh planner statistics
    except psycopg.errors.IntegrityError as exc:
        raise LoadError(f"PostgreSQL rejected the seed data: {exc.diag.message_primary}") from exc
    return stats
