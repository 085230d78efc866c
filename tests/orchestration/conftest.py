"""The pipeline pointed at source databases of our own and a temporary lake."""

from __future__ import annotations

import pytest
from orchestration_support import PIPELINE_DAYS

from ingestion.testing import SourceDatabases, write_sample_bank
from orchestration.lib.resources import (
    CatalogResource,
    LakeResource,
    MongoSource,
    MySQLSource,
    PiiResource,
    PostgresSource,
    QualityResource,
)


@pytest.fixture(scope="session")
def pipeline_sources(stack) -> SourceDatabases:
    return SourceDatabases(stack)


@pytest.fixture
def sample(pipeline_sources):
    pipeline_sources.recreate()
    return write_sample_bank(pipeline_sources, PIPELINE_DAYS, clients_per_day=3)


@pytest.fixture
def overrides(pipeline_sources, tmp_path) -> dict:
    s = pipeline_sources.test_settings
    return {
        "lake": LakeResource(url=(tmp_path / "lake").as_uri()),
        "catalog": CatalogResource(kind="local", duckdb_path=str(tmp_path / "lake_catalog.duckdb")),
        "pii": PiiResource(key="orchestration-test-key"),
        "quality": QualityResource(docs_dir=str(tmp_path / "quality")),
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
            collection=pipeline_sources.mongo_collection,
        ),
    }
