"""Constants shared by the orchestration tests (not in ``conftest``: its module name is not
unique across the suite)."""

from datetime import date

PIPELINE_DAYS = [date(2025, 5, 1), date(2025, 5, 2)]
