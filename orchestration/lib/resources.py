"""Resources, resolved at run time from the settings (``CLOUDBANK_*``): nothing is read when
the code is imported, so the same definitions serve ``CLOUDBANK_ENV=local`` (a ``file://``
lake and a DuckDB catalog) and ``aws`` (an ``s3://`` lake and Glue). Every field overrides its
setting, which is how tests point the pipeline at their own databases and lake."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from ingestion.catalog import Catalog, GlueCatalog, LocalCatalog
from ingestion.extract.base import Extractor
from ingestion.lake import Lake
from ingestion.pii import PiiHasher
from quality.runner import QualityRunner
from services.common.settings import get_settings


def _settings():
    return get_settings()


class LakeResource(dg.ConfigurableResource):
    """The lake: ``url`` or CLOUDBANK_LAKE_URL (default ``var/lake``)."""

    url: str | None = None
    endpoint_url: str | None = None  # S3-compatible endpoint (or AWS_ENDPOINT_URL)

    def get(self) -> Lake:
        settings = _settings()
        endpoint = self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
        url = self.url or settings.effective_lake_url
        options = {"endpoint_url": endpoint} if endpoint and url.startswith("s3://") else {}
        return Lake(url, storage_options=options, spool_dir=settings.var_dir / "tmp")


class CatalogResource(dg.ConfigurableResource):
    """``local``: a DuckDB file in var/ with views ``raw.<table>``; ``glue``: AWS Glue.
    Default: ``glue`` when CLOUDBANK_ENV=aws, else ``local``."""

    kind: str | None = None
    duckdb_path: str | None = None
    glue_database: str | None = None
    partition_mode: str = "projection"

    def get(self, lake: Lake) -> Catalog:
        settings = _settings()
        kind = self.kind or ("glue" if settings.env == "aws" else "local")
        if kind == "glue":
            return GlueCatalog(
                lake,
                self.glue_database or settings.glue_database,
                region=settings.aws_region,
                partition_mode=self.partition_mode,
            )
        path = self.duckdb_path or str(catalog_path(settings.var_dir))
        return LocalCatalog(path, lake)


def catalog_path(var_dir: Path) -> Path:
    """Where the local catalog lives (dbt and the analytics API read it too)."""
    return Path(var_dir) / "catalog" / "lake.duckdb"


class PiiResource(dg.ConfigurableResource):
    key: str | None = None

    def get(self) -> PiiHasher:
        return PiiHasher(self.key or _settings().pii_hash_key)


class QualityResource(dg.ConfigurableResource):
    """GX runner; Data Docs and validation results under ``docs_dir`` (var/quality)."""

    docs_dir: str | None = None

    def get(self) -> QualityRunner:
        return QualityRunner(self.docs_dir or Path(_settings().var_dir) / "quality")


class PostgresSource(dg.ConfigurableResource):
    dsn: str | None = None

    def get(self) -> Extractor:
        from ingestion.extract.postgres import PostgresExtractor

        return PostgresExtractor(self.dsn or _settings().postgres_dsn)


class MySQLSource(dg.ConfigurableResource):
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    database: str | None = None

    def get(self) -> Extractor:
        from ingestion.extract.mysql import MySQLExtractor

        s = _settings()
        return MySQLExtractor(
            host=self.host or s.host,
            port=self.port or s.port(s.mysql_port),
            user=self.user or s.mysql_user,
            password=self.password or s.mysql_password,
            database=self.database or s.mysql_database,
        )


class MongoSource(dg.ConfigurableResource):
    url: str | None = None
    database: str | None = None
    collection: str | None = None

    def get(self) -> Extractor:
        from ingestion.extract.mongo import MongoExtractor

        s = _settings()
        collections = {"transacciones": self.collection} if self.collection else {}
        return MongoExtractor(
            self.url or s.effective_mongo_url, self.database or s.mongo_database, collections
        )
