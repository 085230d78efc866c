"""The pipeline's side of the snapshots: record a run's checks, publish a run's marts.

Called by the Dagster dbt assets (orchestration/defs/dbt) after ``dbt build``:

1. ``record_run``: always, passed or failed — /calidad reports it at once;
2. ``publish``: only when the run passed — the API swaps to the new snapshot. A failed run
   never gets here, so the API keeps serving the previous snapshot.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from services.analytics.quality import passed
from services.analytics.sources import AthenaMarts, AthenaPointer, DuckDBMarts, bundle_from
from services.analytics.store import (
    Bundle,
    Check,
    RunRecord,
    SnapshotStore,
    check_run_id,
    remote_analytics,
    utcnow_iso,
)
from services.common.settings import Settings


def record_run(settings: Settings, run_id: str, checks: Iterable[Check], *, ok: bool) -> RunRecord:
    """Store the run's outcome (ok only if ``ok`` and no error-severity check failed)."""
    checks = list(checks)
    record = RunRecord(
        run_id=check_run_id(run_id),
        ok=ok and passed(checks),
        terminada_en=utcnow_iso(),
        checks=checks,
    )
    _write_record(settings, record)
    return record


def _write_record(settings: Settings, record: RunRecord) -> None:
    if settings.env == "aws":
        fs, prefix = remote_analytics(settings)
        fs.pipe_file(f"{prefix}/last_run.json", record.to_json().encode())
    else:
        SnapshotStore.for_settings(settings).record_run(record)


def store_docs(settings: Settings, run_id: str, static_index: Path) -> None:
    """Keep the run's dbt docs page (``dbt docs generate --static``) with its snapshot."""
    if settings.env == "aws":
        fs, prefix = remote_analytics(settings)
        fs.put_file(str(static_index), f"{prefix}/runs/{check_run_id(run_id)}/dbt-docs/index.html")
        return
    target = SnapshotStore.for_settings(settings).docs_dir(run_id)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(static_index, target / "index.html")


def publish(settings: Settings, run_id: str, *, duckdb_path: Path | None = None) -> Bundle | None:
    """Make ``run_id``'s marts the served snapshot (its run must be recorded as passed).

    Locally the marts are read once from dbt's DuckDB file into the run's bundle, then the
    pointer is swapped. In AWS the pointer names each mart's current Iceberg snapshot, and the
    API reads Athena at those snapshots (returns None: there is no local bundle).
    """
    check_run_id(run_id)
    if settings.env == "aws":
        marts = AthenaMarts.for_settings(settings)
        snapshots = marts.current_snapshots()
        resumen = AthenaMarts.for_settings(settings, snapshots).read(["kpi_dashboard_resumen"])
        pointer = AthenaPointer(
            run_id=run_id,
            as_of=resumen["kpi_dashboard_resumen"][0]["as_of_date"],
            generado_en=utcnow_iso(),
            snapshots=snapshots,
        )
        fs, prefix = remote_analytics(settings)
        fs.pipe_file(f"{prefix}/current.json", pointer.to_json().encode())
        _mark_published(settings, run_id)
        return None
    if duckdb_path is None:
        raise ValueError("the local target needs dbt's DuckDB file")
    store = SnapshotStore.for_settings(settings)
    bundle = bundle_from(DuckDBMarts(duckdb_path), run_id)
    store.write_bundle(bundle)
    store.publish(run_id)
    _mark_published(settings, run_id)
    return bundle


def _mark_published(settings: Settings, run_id: str) -> None:
    if settings.env == "aws":
        fs, prefix = remote_analytics(settings)
        try:
            record = RunRecord.from_json(fs.cat_file(f"{prefix}/last_run.json").decode())
        except FileNotFoundError:
            return
    else:
        record = SnapshotStore.for_settings(settings).last_run()
    if record is not None and record.run_id == run_id:
        record.publicada = True
        _write_record(settings, record)
