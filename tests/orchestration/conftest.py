"""The pipeline pointed at source databases of our own and a temporary lake."""

from __future__ import annotations

import pytest
from orchestration_support import PIPELINE_DAYS

from ingestion.testing import SourceDatabases, write_sample_bank
from orchestration.testing import resource_overrides


@pytest.fixture(scope="session")
def pipeline_sources(stack) -> SourceDatabases:
    return SourceDatabases(stack)


@pytest.fixture
def sample(pipeline_sources):
    pipeline_sources.recreate()
    return write_sample_bank(pipeline_sources, PIPELINE_DAYS, clients_per_day=3)


@pytest.fixture
def overrides(pipeline_sources, tmp_path) -> dict:
    return resource_overrides(
        pipeline_sources,
        tmp_path,
        pii_key="orchestration-test-key",
        catalog_name="lake_catalog.duckdb",
    )
