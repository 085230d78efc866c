"""Constants and helpers shared by the quality tests (not in ``conftest``: its module name is
not unique across the suite)."""

from datetime import date

from ingestion.lake import Lake
from ingestion.load import TableLoader
from ingestion.pii import PiiHasher
from ingestion.tables import TABLES, Kind
from ingestion.testing import SourceDatabases

QUALITY_DAYS = [date(2025, 4, 1), date(2025, 4, 2)]
SNAPSHOT = date(2025, 4, 3)


def load_everything(sources: SourceDatabases, lake: Lake, run_id: str) -> None:
    for spec in TABLES.values():
        loader = TableLoader(spec, sources.sources.extractor(spec), lake, PiiHasher("k"), run_id)
        if spec.kind is Kind.EVENTS:
            loader.load_events(QUALITY_DAYS[0], QUALITY_DAYS[-1])
        else:
            loader.load_snapshot(SNAPSHOT)
