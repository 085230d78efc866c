"""What every extractor offers, and how to get one for a table from the settings."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pyarrow as pa

from ingestion.tables import TableSpec

DEFAULT_BATCH_ROWS = 50_000


@dataclass(frozen=True)
class Window:
    """Which rows to read.

    ``start``/``end`` (inclusive business dates) apply to event tables only; ``since`` keeps rows
    whose watermark column is strictly greater (incremental runs); ``until`` keeps rows whose
    watermark is at most that instant (reconciliation against a high-water mark).
    """

    start: date | None = None
    end: date | None = None
    since: datetime | None = None
    until: datetime | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """Half-open UTC instants [lower, upper) of the business-date range."""
        lower = datetime.combine(self.start, time(), UTC) if self.start else None
        upper = datetime.combine(self.end + timedelta(days=1), time(), UTC) if self.end else None
        return lower, upper


@dataclass
class SourceProfile:
    """Row count and money sums (céntimos) per (column, currency) of a window of a table."""

    rows: int
    sums: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "sums": self.sums}


class Extractor(abc.ABC):
    engine: str

    @abc.abstractmethod
    def batches(
        self, spec: TableSpec, window: Window, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        """Rows of ``spec`` in ``window``, primary-key order, as batches in source_schema."""

    @abc.abstractmethod
    def profile(self, spec: TableSpec, window: Window) -> SourceProfile:
        """Count and money sums per currency of the rows in ``window``."""

    @abc.abstractmethod
    def changed_keys(
        self, spec: TableSpec, window: Window, after: datetime, column: str | None = None
    ) -> list:
        """Primary keys (or ``column``) of rows in ``window`` whose watermark is later than
        ``after``."""

    @abc.abstractmethod
    def first_date(self, spec: TableSpec) -> date | None:
        """The earliest business date of an event table (None when it is empty)."""

    def close(self) -> None:  # noqa: B027 - optional
        """Release connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class Sources:
    """Connection parameters of the three source systems."""

    postgres_dsn: str
    mysql: dict  # host, port, user, password, database
    mongo_url: str
    mongo_database: str
    mongo_collections: dict[str, str] = field(default_factory=dict)  # table -> collection

    @classmethod
    def from_settings(cls, settings) -> Sources:
        s = settings
        return cls(
            postgres_dsn=s.postgres_dsn,
            mysql={
                "host": s.host,
                "port": s.port(s.mysql_port),
                "user": s.mysql_user,
                "password": s.mysql_password,
                "database": s.mysql_database,
            },
            mongo_url=s.effective_mongo_url,
            mongo_database=s.mongo_database,
        )

    def extractor(self, spec: TableSpec) -> Extractor:
        if spec.engine == "postgres":
            from ingestion.extract.postgres import PostgresExtractor

            return PostgresExtractor(self.postgres_dsn)
        if spec.engine == "mysql":
            from ingestion.extract.mysql import MySQLExtractor

            return MySQLExtractor(**self.mysql)
        if spec.engine == "mongo":
            from ingestion.extract.mongo import MongoExtractor

            return MongoExtractor(
                self.mongo_url, self.mongo_database, collections=self.mongo_collections
            )
        raise ValueError(f"unknown engine {spec.engine!r}")
