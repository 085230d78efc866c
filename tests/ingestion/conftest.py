"""Source databases of our own on the suite's stack, a sample bank in them, a temporary lake."""

from __future__ import annotations

import pytest
from ingestion_support import DAYS, PII_KEY

from ingestion.lake import Lake
from ingestion.pii import PiiHasher
from ingestion.testing import SourceDatabases, write_sample_bank


@pytest.fixture(scope="session")
def source_dbs(stack) -> SourceDatabases:
    return SourceDatabases(stack)


@pytest.fixture(scope="module")
def bank(source_dbs):
    """A fresh sample bank for each test module (3 days, 5 clients a day)."""
    source_dbs.recreate()
    return write_sample_bank(source_dbs, DAYS)


@pytest.fixture
def lake(tmp_path) -> Lake:
    return Lake((tmp_path / "lake").as_uri())


@pytest.fixture
def hasher() -> PiiHasher:
    return PiiHasher(PII_KEY)
