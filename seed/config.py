"""What a seed run generates: volumes from the scale, the time window from the as-of date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from seed.rand import MS_PER_DAY, to_ms

#: Rows per scale unit (scale 1 is the volume of the original populate scripts).
CLIENTES_PER_UNIT = 20_000
CUENTAS_PER_UNIT = 20_000
TRANSACCIONES_PER_UNIT = 20_000

#: How far back registrations go, and the window of transactions (12 months).
HISTORY_DAYS = 8 * 365
WINDOW_DAYS = 365

DEFAULT_SEED = 42
#: MariaDB TIMESTAMP ends in January 2038; 8 years of history must start after 1970.
EARLIEST_AS_OF = date(2000, 1, 1)
LATEST_AS_OF = date(2038, 1, 1)


@dataclass(frozen=True)
class SeedConfig:
    """``scale`` may be fractional (0.05 = 1,000 clients); ``as_of`` is the day the data ends:
    every instant is before midnight UTC at the start of that day."""

    as_of: date
    scale: float = 1.0
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        if not EARLIEST_AS_OF <= self.as_of <= LATEST_AS_OF:
            raise ValueError(
                f"as-of must be between {EARLIEST_AS_OF} and {LATEST_AS_OF} "
                "(TIMESTAMP columns end in 2038)"
            )
        if not self.scale > 0:
            raise ValueError("scale must be greater than 0")
        if self.n_clientes < 1:
            raise ValueError("scale too small: it must give at least one client")

    def _count(self, per_unit: int) -> int:
        return round(per_unit * self.scale)

    @property
    def n_clientes(self) -> int:
        return self._count(CLIENTES_PER_UNIT)

    @property
    def n_cuentas(self) -> int:
        return self._count(CUENTAS_PER_UNIT)

    @property
    def n_transacciones(self) -> int:
        return self._count(TRANSACCIONES_PER_UNIT)

    @cached_property
    def cutoff_ms(self) -> int:
        """Midnight UTC of the as-of day: every generated instant is earlier."""
        return to_ms(self.as_of)

    @cached_property
    def window_start_ms(self) -> int:
        """Start of the 12 months of transactions."""
        return self.cutoff_ms - WINDOW_DAYS * MS_PER_DAY

    @cached_property
    def history_start_ms(self) -> int:
        """The earliest registration."""
        return self.cutoff_ms - HISTORY_DAYS * MS_PER_DAY
