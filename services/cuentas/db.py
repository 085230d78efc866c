"""Database access: one engine for reads (autocommit, no transaction round trips) and one for
writes (READ COMMITTED transactions), sessions in UTC, and retries of deadlocks, lock-wait
timeouts and dropped connections so a client never sees a 500 for them."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

import pymysql
from sqlalchemy import Connection, Dialect, Engine, Select, create_engine, text
from sqlalchemy.exc import InterfaceError, OperationalError

from services.common.errors import Unavailable
from services.common.idempotency import canonical_json
from services.common.settings import Settings, get_settings

log = logging.getLogger("cloudbank.cuentas.db")

T = TypeVar("T")

# every session in UTC; TIMESTAMP columns are then read and written as UTC
CONNECT_ARGS = {"init_command": "SET time_zone = '+00:00'", "connect_timeout": 3}
# writers give up on a row lock after 5 s (the default is 50 s) and retry
_WRITE_CONNECT_ARGS = {
    **CONNECT_ARGS,
    "init_command": "SET time_zone = '+00:00', innodb_lock_wait_timeout = 5",
}

ER_LOCK_WAIT_TIMEOUT = 1205
ER_LOCK_DEADLOCK = 1213
ER_DUP_ENTRY = 1062
RETRYABLE = frozenset({ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK})
MAX_ATTEMPTS = 6


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_db_timestamp(moment: datetime) -> datetime:
    """A TIMESTAMP parameter: naive, in the session's zone (UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def mysql_errno(exc: BaseException) -> int | None:
    """The MySQL error number behind a SQLAlchemy/PyMySQL exception, if any."""
    orig = getattr(exc, "orig", exc)
    args = getattr(orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


@dataclass
class Database:
    reads: Engine
    writes: Engine
    health: Engine

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        common = {"pool_recycle": 3600, "pool_timeout": 5}
        reads = create_engine(
            settings.mysql_dsn,
            isolation_level="AUTOCOMMIT",
            pool_size=20,
            max_overflow=20,
            # autocommit: nothing to roll back, so skip the ROLLBACK round trip on release
            pool_reset_on_return=None,
            skip_autocommit_rollback=True,
            connect_args=CONNECT_ARGS,
            **common,
        )
        writes = create_engine(
            settings.mysql_dsn,
            isolation_level="READ COMMITTED",
            pool_size=10,
            max_overflow=30,
            connect_args=_WRITE_CONNECT_ARGS,
            json_serializer=canonical_json,
            **common,
        )
        # readiness has its own connection (and its own thread, see main.py), so a busy
        # instance still answers HAProxy's checks instead of being marked down
        health = create_engine(
            settings.mysql_dsn,
            isolation_level="AUTOCOMMIT",
            pool_size=1,
            max_overflow=1,
            pool_timeout=2,
            pool_pre_ping=True,
            skip_autocommit_rollback=True,
            connect_args={**CONNECT_ARGS, "connect_timeout": 2, "read_timeout": 2},
        )
        return cls(reads, writes, health)

    def dispose(self) -> None:
        self.reads.dispose()
        self.writes.dispose()
        self.health.dispose()

    def ping(self) -> dict[str, object]:
        with self.health.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"mariadb": {"ok": True}}

    def fetch(self, statement: Select, **params: Any) -> list[dict[str, Any]]:
        """The hot read path (GET by id, by number, pages): ``statement`` compiled once for
        MySQL and run on a pooled DBAPI connection, skipping the SQLAlchemy Connection layer
        (a third of the CPU of a primary-key read). Values are bound by name; a dropped
        connection is discarded and the read tried once more."""
        sql = compiled_sql(statement, self.reads.dialect)
        for attempt in (1, 2):
            try:
                conn = self.reads.raw_connection()
            # a checkout that has to connect raises the driver's own error (raw_connection
            # does not wrap it as Engine.connect does)
            except (
                OperationalError,
                InterfaceError,
                pymysql.err.OperationalError,
                pymysql.err.InterfaceError,
            ) as exc:
                raise unavailable(exc) from exc
            try:
                cursor = conn.cursor()
                cursor.execute(sql, params)
                names = [column[0] for column in cursor.description]
                rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
                cursor.close()
                return rows
            except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as exc:
                conn.invalidate()
                if attempt == 2:
                    raise unavailable(exc) from exc
            finally:
                conn.close()
        raise AssertionError("unreachable")

    def read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` on an autocommit connection; a dropped connection is retried once."""
        for attempt in (1, 2):
            try:
                with self.reads.connect() as conn:
                    return work(conn)
            except (OperationalError, InterfaceError) as exc:
                if exc.connection_invalidated and attempt == 1:
                    continue
                raise unavailable(exc) from exc
        raise AssertionError("unreachable")

    def transaction(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction, committed if it returns and rolled back if it
        raises. Deadlocks, lock-wait timeouts and dropped connections roll back and run
        ``work`` again (with jitter): every write of this service is idempotent, so a retry
        after an unknown commit outcome is safe."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.writes.begin() as conn:
                    return work(conn)
            except (OperationalError, InterfaceError) as exc:
                retryable = mysql_errno(exc) in RETRYABLE or exc.connection_invalidated
                if not retryable or attempt == MAX_ATTEMPTS:
                    raise unavailable(exc) from exc
                log.info("retrying transaction after MySQL error %s", mysql_errno(exc))
                time.sleep(random.uniform(0.005, 0.025) * attempt)
        raise AssertionError("unreachable")


@lru_cache(maxsize=128)
def compiled_sql(statement: Select, dialect: Dialect) -> str:
    """SQL text with ``%(name)s`` placeholders (the driver binds the values)."""
    return str(statement.compile(dialect=dialect))


def unavailable(exc: Exception) -> Unavailable:
    log.warning("database error %s: %s", mysql_errno(exc), type(getattr(exc, "orig", exc)).__name__)
    return Unavailable(
        "the accounts database is unavailable or busy; retry the request",
        code="db_unavailable",
        headers={"Retry-After": "1"},
    )


@lru_cache
def get_database() -> Database:
    return Database.from_settings(get_settings())
