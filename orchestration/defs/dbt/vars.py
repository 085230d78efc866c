"""The ``--vars`` a dbt run gets from the orchestrator (pure functions: unit-tested)."""

from __future__ import annotations

from datetime import date


def _iso(value: date | str, name: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD), not {value!r}") from exc


def dbt_vars(
    *,
    as_of_date: date | str | None = None,
    window: tuple[date | str, date | str] | None = None,
) -> dict[str, str]:
    """``as_of_date``: the "today" of the KPI windows (None: dbt uses the current UTC date).
    ``window``: the partition window [first, last] (inclusive days) the partitioned facts
    reprocess (None: what changed since their last load)."""
    out: dict[str, str] = {}
    if as_of_date is not None:
        out["as_of_date"] = _iso(as_of_date, "as_of_date")
    if window is not None:
        first, last = (_iso(d, "window") for d in window)
        if first > last:
            raise ValueError(f"empty partition window: {first} > {last}")
        out["min_dt"], out["max_dt"] = first, last
    return out


def window_of_partitions(start: date, end_exclusive: date) -> tuple[date, date]:
    """A Dagster time window [start, end) of daily partitions as dbt's inclusive days."""
    from datetime import timedelta

    last = end_exclusive - timedelta(days=1)
    if last < start:
        raise ValueError("empty partition window")
    return start, last
