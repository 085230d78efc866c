"""Constants shared by the ingestion tests (a module of its own: test modules must not import
``conftest``, whose name is not unique across the suite)."""

from datetime import date

DAYS = [date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)]
PII_KEY = "test-pii-key"
