"""Connections to the clientes database.

Two ways in, over the same database:

- reads: psycopg 3's async connection pool in autocommit mode, rows as dicts. A lookup is a
  single statement and one round trip (no BEGIN/ROLLBACK around it, server-side prepared after
  a few uses). Measured here: ~0.3 ms of CPU per client read, against ~1.1 ms through
  SQLAlchemy Core and ~3.4 ms through the ORM with selectinload; it is what keeps GET by id
  within its latency target on two shared cores.
- writes: SQLAlchemy 2's async ORM on psycopg, in ordinary transactions, so inserts and
  updates get RETURNING of server-set columns and constraint errors as exceptions.

Every connection reports timestamps in UTC.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from services.common.settings import Settings

CONNECT_ARGS = {"options": "-c timezone=UTC", "connect_timeout": 5}


def sqlalchemy_url(settings: Settings) -> str:
    return settings.postgres_dsn.replace("postgresql://", "postgresql+psycopg://", 1)


class Database:
    def __init__(self, settings: Settings, *, read_pool_size: int = 10, write_pool_size: int = 5):
        self.pool = AsyncConnectionPool(
            settings.postgres_dsn,
            min_size=2,
            max_size=read_pool_size,
            timeout=5,
            kwargs={**CONNECT_ARGS, "autocommit": True, "row_factory": dict_row},
            open=False,
            name="clientes-read",
        )
        self.engine = create_async_engine(
            sqlalchemy_url(settings),
            pool_size=write_pool_size,
            max_overflow=write_pool_size,
            pool_timeout=5,
            pool_recycle=1800,
            connect_args=CONNECT_ARGS,
        )
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def open(self) -> None:
        # don't wait for connections: the service starts even if the database is not up yet,
        # and /health/ready says so
        await self.pool.open(wait=False)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A pooled autocommit connection: each statement runs on its own."""
        async with self.pool.connection() as conn:
            yield conn

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """An ORM session whose work the caller commits; the rest is rolled back."""
        async with self._sessions() as session:
            yield session

    async def ping(self) -> None:
        async with self.reading() as conn:
            await conn.execute("SELECT 1")

    async def close(self) -> None:
        await self.pool.close()
        await self.engine.dispose()
