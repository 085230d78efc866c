"""A sample bank loaded into a temporary lake, and a quality runner writing to tmp."""

from __future__ import annotations

from datetime import date

import pytest

from ingestion.lake import Lake
from ingestion.load import TableLoader
from ingestion.pii import PiiHasher
from ingestion.tables import TABLES, Kind
from ingestion.testing import SourceDatabases, write_sample_bank
from quality.runner import QualityRunner

QUALITY_DAYS = [date(2025, 4, 1), date(2025, 4, 2)]
SNAPSHOT = date(2025, 4, 3)


@pytest.fixture(scope="session")
def quality_sources(stack) -> SourceDatabases:
    return SourceDatabases(stack)


@pytest.fixture(scope="session")
def runner(tmp_path_factory) -> QualityRunner:
    return QualityRunner(tmp_path_factory.mktemp("quality"))


def load_everything(sources: SourceDatabases, lake: Lake, run_id: str) -> None:
    for spec in TABLES.values():
        loader = TableLoader(spec, sources.sources.extractor(spec), lake, PiiHasher("k"), run_id)
        if spec.kind is Kind.EVENTS:
            loader.load_events(QUALITY_DAYS[0], QUALITY_DAYS[-1])
        else:
            loader.load_snapshot(SNAPSHOT)


@pytest.fixture
def loaded(quality_sources, tmp_path):
    """Fresh sources with a sample bank, loaded into a fresh lake."""
    quality_sources.recreate()
    bank = write_sample_bank(quality_sources, QUALITY_DAYS, clients_per_day=4)
    lake = Lake((tmp_path / "lake").as_uri())
    load_everything(quality_sources, lake, "run-1")
    return bank, lake
