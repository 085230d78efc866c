"""A sample bank loaded into a temporary lake, and a quality runner writing to tmp."""

from __future__ import annotations

import pytest
from quality_support import QUALITY_DAYS, load_everything

from ingestion.lake import Lake
from ingestion.testing import SourceDatabases, write_sample_bank
from quality.runner import QualityRunner


@pytest.fixture(scope="session")
def quality_sources(stack) -> SourceDatabases:
    return SourceDatabases(stack)


@pytest.fixture(scope="session")
def runner(tmp_path_factory) -> QualityRunner:
    return QualityRunner(tmp_path_factory.mktemp("quality"))


@pytest.fixture
def loaded(quality_sources, tmp_path):
    """Fresh sources with a sample bank, loaded into a fresh lake."""
    quality_sources.recreate()
    bank = write_sample_bank(quality_sources, QUALITY_DAYS, clients_per_day=4)
    lake = Lake((tmp_path / "lake").as_uri())
    load_everything(quality_sources, lake, "run-1")
    return bank, lake
