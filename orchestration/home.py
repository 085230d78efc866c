"""``DAGSTER_HOME`` under var/ with telemetry off (no Dagster import: the stack manager uses it)."""

from __future__ import annotations

import os
from pathlib import Path

DAGSTER_YAML = """\
# written by the Cloud Bank stack; runs, event logs and schedules live in this folder
telemetry:
  enabled: false
"""


def dagster_home(var_dir: str | os.PathLike) -> Path:
    """Create (idempotently) var/dagster with its dagster.yaml; returns the folder."""
    home = Path(var_dir).resolve() / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    return home


def use_dagster_home(var_dir: str | os.PathLike) -> Path:
    """Point this process (and its children) at var/dagster unless DAGSTER_HOME is set."""
    if not os.environ.get("DAGSTER_HOME"):
        os.environ["DAGSTER_HOME"] = str(dagster_home(var_dir))
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    return Path(os.environ["DAGSTER_HOME"])
