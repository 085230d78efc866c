"""The hottest read, ``GET /cuentas/{id}``, on the event loop.

The rest of cuentas runs its PyMySQL work on threads (db.py). For a primary-key lookup that
hand-off costs more than the query: a thread-pool round trip and its GIL hand-offs, then
PyMySQL's pure-Python protocol. Here the same statement runs on asyncmy (the PyMySQL protocol
compiled with Cython) from a small pool of autocommit connections owned by the event loop, so
the lookup is one round trip with no thread involved. Rows come back exactly as PyMySQL gives
them (Decimal, naive UTC datetimes), so the answer is the same bytes as the route's.

The pool hands a freed connection to whichever request asks next, not to the one that has
waited longest, so past its size some requests starved for 100+ ms; a FIFO semaphore of the
same size queues them fairly in front of it.

A dropped connection (MariaDB restarted) is discarded with every idle one, and the read tried
once more on a new connection; a database that cannot be reached is ``Unavailable`` (503), as in db.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncmy
from asyncmy.errors import InterfaceError, OperationalError
from sqlalchemy import Select

from services.common.settings import Settings
from services.cuentas.db import CONNECT_ARGS, compiled_sql, get_database, unavailable

_LOST = (OperationalError, InterfaceError, OSError)


class AsyncReads:
    """A pool of asyncmy connections; ``open`` connects nothing, so the service starts (and
    says it is not ready) while the database is down."""

    def __init__(self, settings: Settings, *, max_connections: int = 10):
        self._connect_args = {
            "host": settings.host,
            "port": settings.port(settings.mysql_port),
            "user": settings.mysql_user,
            "password": settings.mysql_password,
            "db": settings.mysql_database,
            "charset": "utf8mb4",
            "autocommit": True,
            **CONNECT_ARGS,
        }
        self._max_connections = max_connections
        self._pool: asyncmy.Pool | None = None
        self._turns = asyncio.Semaphore(max_connections)

    async def open(self) -> None:
        self._pool = await asyncmy.create_pool(
            minsize=0, maxsize=self._max_connections, pool_recycle=3600, **self._connect_args
        )

    async def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            await self._pool.wait_closed()

    async def fetch_one(self, statement: Select, **params: Any) -> dict | None:
        """The first row of ``statement`` (compiled as db.py compiles it) as a dict, or None.
        (A tuple row zipped with the column names: asyncmy's DictCursor costs ~70 µs more.)"""
        sql = compiled_sql(statement, get_database().reads.dialect)
        async with self._turns:
            return await self._fetch_one(sql, params)

    async def _fetch_one(self, sql: str, params: dict[str, Any]) -> dict | None:
        for attempt in (1, 2):
            try:
                conn = await self._pool.acquire()
            except _LOST as exc:
                raise unavailable(exc) from exc
            try:
                async with conn.cursor() as cursor:
                    await cursor.execute(sql, params)
                    row = await cursor.fetchone()
                    names = [column[0] for column in cursor.description]
                return None if row is None else dict(zip(names, row, strict=True))
            except _LOST as exc:
                conn.close()  # the pool drops a closed connection when it comes back
                if attempt == 2:
                    raise unavailable(exc) from exc
            finally:
                self._pool.release(conn)
            # the other idle connections went the same way (a restart): retry on a new one
            await self._pool.clear()
        raise AssertionError("unreachable")
