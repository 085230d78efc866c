"""Bulk loaders: one module per store. Each offers ``connect``, ``existing_rows``, ``reset``
and ``load``; ``load`` returns one ``TableStat`` per table it wrote."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from tqdm import tqdm


class LoadError(RuntimeError):
    """The store refused the data or is not ready for it; the message says why."""


@dataclass(frozen=True)
class TableStat:
    store: str
    table: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def progress(table: str, total: int, enabled: bool) -> tqdm:
    """A progress bar on stderr (off when not ``enabled``)."""
    return tqdm(
        total=total,
        desc=f"{table:<22}",
        unit=" rows",
        unit_scale=True,
        file=sys.stderr,
        disable=not enabled,
        leave=True,
        dynamic_ncols=True,
    )
