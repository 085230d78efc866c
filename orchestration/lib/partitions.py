"""Daily partitions of business date (UTC) and the pure helpers around them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import dagster as dg

#: First business date a partition may have (the sample history starts some years back).
PARTITIONS_START = "2015-01-01"

DAILY = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1, timezone="UTC")

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def today() -> date:
    return datetime.now(UTC).date()


def clamp(start: date, end: date) -> tuple[date, date]:
    """Keep a requested range inside the partitions (start date .. today)."""
    first = date.fromisoformat(PARTITIONS_START)
    start, end = max(start, first), min(end, today())
    if start > end:
        raise ValueError(f"empty partition range {start}..{end}")
    return start, end


def range_tags(start: date, end: date) -> dict[str, str]:
    """Run tags that make one run cover the business dates ``start``..``end``."""
    start, end = clamp(start, end)
    return {RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()}


def dates_of(key_range: dg.PartitionKeyRange) -> tuple[date, date]:
    return date.fromisoformat(key_range.start), date.fromisoformat(key_range.end)


def hourly_window(now: datetime) -> tuple[date, date]:
    """The hourly run refreshes yesterday and today (late state changes land in yesterday)."""
    day = now.astimezone(UTC).date()
    return day - timedelta(days=1), day
