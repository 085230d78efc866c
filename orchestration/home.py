"""``DAGSTER_HOME`` under var/ and the Dagster environment of every process that creates runs
(Dagster is imported only to create a new home's storage: the stack manager uses this module)."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

DAGSTER_YAML = """\
# written by the Cloud Bank stack; runs, event logs and schedules live in this folder
telemetry:
  enabled: false
"""

#: Environment for the webserver, the daemon and in-process runs (``cloudbank pipeline``, tests).
#: A single run covering many daily partitions (the first load of years of history) otherwise
#: stores one "materialization planned" event per partition and asset before it starts — most of
#: that run's time. With it, one event per asset carries the partition range; the cost is that a
#: failed run does not mark its partitions as failed in the UI (the run itself shows as failed,
#: and the lake never holds a half-written partition).
DAGSTER_ENV = {
    "DAGSTER_DISABLE_TELEMETRY": "1",
    "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true",
}


def apply_dagster_env() -> None:
    """Set :data:`DAGSTER_ENV` in this process (and its children), keeping values already set."""
    for name, value in DAGSTER_ENV.items():
        os.environ.setdefault(name, value)


def dagster_home(var_dir: str | os.PathLike) -> Path:
    """Create (idempotently) var/dagster with its dagster.yaml; returns the folder."""
    home = Path(var_dir).resolve() / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    return home


_STORAGE_LOCK = threading.Lock()


def create_storage(home: Path) -> None:
    """Create the instance's SQLite storage (runs, event logs, schedules) if it is not there
    yet. The stack starts the UI and the daemon at the same time; on a new var/ each would
    otherwise create the same schema and one of them fails ("table alembic_version already
    exists"). Locked across threads and processes."""
    if (home / "history" / "runs.db").exists():
        return
    with _STORAGE_LOCK, open(home / ".storage.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (home / "history" / "runs.db").exists():
            return
        import dagster as dg

        with dg.DagsterInstance.from_config(str(home)):
            pass


def use_dagster_home(var_dir: str | os.PathLike) -> Path:
    """Point this process (and its children) at var/dagster unless DAGSTER_HOME is set."""
    if not os.environ.get("DAGSTER_HOME"):
        os.environ["DAGSTER_HOME"] = str(dagster_home(var_dir))
    apply_dagster_env()
    return Path(os.environ["DAGSTER_HOME"])
