"""Resources for the data platform's tests: the pipeline pointed at source databases of their
own (``ingestion.testing.SourceDatabases``) and a lake, catalog and quality folder under a
temporary directory."""

from __future__ import annotations

from pathlib import Path

from ingestion.testing import SourceDatabases
from orchestration.lib.resources import (
    CatalogResource,
    LakeResource,
    MongoSource,
    MySQLSource,
    PiiResource,
    PostgresSource,
    QualityResource,
)


def resource_overrides(
    sources: SourceDatabases, root: Path, *, pii_key: str, catalog_name: str = "catalog.duckdb"
) -> dict:
    """``build_defs`` overrides: every resource reads ``sources`` and writes under ``root``."""
    s = sources.test_settings
    return {
        "lake": LakeResource(url=(root / "lake").as_uri()),
        "catalog": CatalogResource(kind="local", duckdb_path=str(root / catalog_name)),
        "pii": PiiResource(key=pii_key),
        "quality": QualityResource(docs_dir=str(root / "quality")),
        "clientes_db": PostgresSource(dsn=s.postgres_dsn),
        "cuentas_db": MySQLSource(
            host=s.host,
            port=s.port(s.mysql_port),
            user=s.mysql_user,
            password=s.mysql_password,
            database=s.mysql_database,
        ),
        "transacciones_db": MongoSource(
            url=s.effective_mongo_url,
            database=s.mongo_database,
            collection=sources.mongo_collection,
        ),
    }
