"""Constants shared by the seed tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from seed.config import SeedConfig

REPO_ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 6, 1)
#: 1,000 clients, 1,000 accounts, 1,000 transactions
SMALL = SeedConfig(as_of=AS_OF, scale=0.05, seed=7)
#: 10,000 of each, to check distributions
HALF = SeedConfig(as_of=AS_OF, scale=0.5, seed=11)
