"""Reproducible randomness and time for the generator.

Every table draws from its own ``random.Random`` stream, seeded from (seed, stream name), so
adding draws to one table never shifts another. There is no global ``random`` and no clock:
time comes from the as-of date. Instants are integer milliseconds since the epoch (UTC), the
precision every store keeps (MongoDB dates are milliseconds).
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Generic, TypeVar

T = TypeVar("T")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MS_PER_MINUTE = 60_000
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000
LIMA_UTC_OFFSET_MS = -5 * MS_PER_HOUR  # Peru: UTC-5, no daylight saving time


def stream(seed: int, name: str) -> random.Random:
    """An independent random stream for one table or concern."""
    return random.Random(f"cloudbank-seed/{seed}/{name}")


class Weighted(Generic[T]):
    """A fixed discrete distribution: ``draw(rng)`` picks an item by its weight."""

    def __init__(self, items: Sequence[tuple[T, float]]):
        if not items:
            raise ValueError("a distribution needs at least one item")
        self.items = tuple(item for item, _ in items)
        self.cumulative = tuple(itertools.accumulate(float(w) for _, w in items))
        if self.cumulative[-1] <= 0:
            raise ValueError("weights must add up to more than zero")

    def draw(self, rng: random.Random) -> T:
        # one rng.random() per draw, as random.choices does
        x = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, x, 0, len(self.items) - 1)]


def ranked(items: Sequence[T], exponent: float = 0.9, offset: float = 8.0) -> Weighted[T]:
    """Zipf-like weights by position: the first items are the most frequent."""
    return Weighted([(item, 1.0 / (rank + offset) ** exponent) for rank, item in enumerate(items)])


def lognormal_cents(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    """A log-normal amount with the given median (in units), as integer cents in [low, high]."""
    amount = round(rng.lognormvariate(0.0, sigma) * median * 100)
    return min(max(amount, low), high)


# --- time ----------------------------------------------------------------------------------
def to_datetime(ms: int) -> datetime:
    """UTC datetime of an instant in ms (exact: no float arithmetic)."""
    return EPOCH + timedelta(0, ms // 1000, 0, ms % 1000)  # (days, seconds, µs, ms)


def to_ms(moment: datetime | date) -> int:
    """Milliseconds since the epoch of a UTC datetime, or of midnight UTC of a date."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    delta = moment - EPOCH
    return (delta.days * MS_PER_DAY) + delta.seconds * 1000 + delta.microseconds // 1000


def lima_hour(ms: int) -> int:
    return ((ms + LIMA_UTC_OFFSET_MS) // MS_PER_HOUR) % 24


def lima_date(ms: int) -> date:
    return to_datetime(ms + LIMA_UTC_OFFSET_MS).date()


# Relative activity by hour of the day in Lima: quiet at night, peaks late morning and after work.
HOUR_WEIGHTS: tuple[float, ...] = (
    0.20, 0.10, 0.05, 0.05, 0.05, 0.15, 0.40, 0.80, 1.20, 1.60, 1.80, 1.80,
    1.90, 1.70, 1.50, 1.50, 1.60, 1.70, 1.80, 1.70, 1.40, 1.00, 0.60, 0.35,
)  # fmt: skip
# Monday .. Sunday
WEEKDAY_WEIGHTS: tuple[float, ...] = (1.00, 0.95, 0.95, 1.00, 1.25, 0.80, 0.45)
# Peruvian paydays (quincena and end of month) and the July / December bonuses (gratificación)
PAYDAY_FACTOR = 1.5
MONTH_FACTORS: dict[int, float] = {7: 1.2, 12: 1.3}


def day_weight(day: date) -> float:
    weight = WEEKDAY_WEIGHTS[day.weekday()] * MONTH_FACTORS.get(day.month, 1.0)
    last_day = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if day.day in (1, 15) or day == last_day:
        weight *= PAYDAY_FACTOR
    return weight


_MAX_HOUR_WEIGHT = max(HOUR_WEIGHTS)
_MAX_DAY_WEIGHT = max(WEEKDAY_WEIGHTS) * max(MONTH_FACTORS.values()) * PAYDAY_FACTOR


@cache
def _day_acceptance(lima_day_index: int) -> float:
    return day_weight(EPOCH.date() + timedelta(days=lima_day_index)) / _MAX_DAY_WEIGHT


_HOUR_ACCEPTANCE = tuple(w / _MAX_HOUR_WEIGHT for w in HOUR_WEIGHTS)


def office_instant(
    rng: random.Random, start_ms: int, end_ms: int, *, seasonal: bool = False
) -> int:
    """An instant in [start_ms, end_ms) following Lima's hour-of-day pattern (and, if
    ``seasonal``, the weekday / payday / month pattern too), by rejection sampling."""
    if end_ms <= start_ms:
        raise ValueError("empty interval")
    while True:
        ms = rng.randrange(start_ms, end_ms)
        local = ms + LIMA_UTC_OFFSET_MS
        accept = _HOUR_ACCEPTANCE[(local // MS_PER_HOUR) % 24]
        if seasonal:
            accept *= _day_acceptance(local // MS_PER_DAY)
        if rng.random() < accept:
            return ms


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
