"""Where a snapshot's marts are read from, once per refresh (never per request).

- ``DuckDBMarts``: the dbt DuckDB file of the local target, read once by the pipeline when it
  publishes a run (the bundle then lives in the snapshot store);
- ``AthenaMarts``: the Iceberg marts on Athena, read by the API through PyAthena when the
  S3 pointer names a new run, each mart at the Iceberg snapshot the pointer records (so a
  mart rebuilt by a later, failed run is never read).

Both return the same thing: ``{mart: [row dict, ...]}`` with JSON-able values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from services.analytics.store import MARTS, Bundle, jsonable, utcnow_iso

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
#: How often PyAthena polls a running query.
POLL_SECONDS = 0.5


def _identifier(name: str) -> str:
    """Mart and database names are fixed lowercase identifiers; anything else is refused."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


class MartReader(Protocol):
    def read(self, marts: Iterable[str] = MARTS) -> dict[str, list[dict[str, Any]]]: ...


def rows_as_dicts(columns: list[str], rows: Iterable[tuple]) -> list[dict[str, Any]]:
    return [{c: jsonable(v) for c, v in zip(columns, row, strict=True)} for row in rows]


class DuckDBMarts:
    """The KPI marts in dbt's DuckDB file (schema ``marts``), opened read-only."""

    def __init__(self, path: Path, schema: str = "marts"):
        self.path, self.schema = Path(path), _identifier(schema)

    def read(self, marts: Iterable[str] = MARTS) -> dict[str, list[dict[str, Any]]]:
        import duckdb

        config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
        with duckdb.connect(str(self.path), read_only=True, config=config) as con:
            con.execute("SET TimeZone = 'UTC'")
            out = {}
            for mart in marts:
                cursor = con.execute(f"SELECT * FROM {self.schema}.{_identifier(mart)}")
                columns = [d[0] for d in cursor.description]
                out[mart] = rows_as_dicts(columns, cursor.fetchall())
            return out


def bundle_from(reader: MartReader, run_id: str) -> Bundle:
    """Read every mart once and wrap them as the snapshot of ``run_id``."""
    marts = reader.read(MARTS)
    resumen = marts["kpi_dashboard_resumen"]
    if len(resumen) != 1:
        raise ValueError(f"kpi_dashboard_resumen has {len(resumen)} rows, expected 1")
    return Bundle(
        run_id=run_id, as_of=resumen[0]["as_of_date"], generado_en=utcnow_iso(), marts=marts
    )


# --- AWS ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AthenaPointer:
    """What the pipeline publishes on S3 after a successful run: the run and, per mart, the
    Iceberg snapshot id its tables had at the end of that run."""

    run_id: str
    as_of: str
    generado_en: str
    snapshots: dict[str, int]

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> AthenaPointer:
        data = json.loads(text)
        snapshots = {_identifier(k): int(v) for k, v in data["snapshots"].items()}
        return cls(data["run_id"], data["as_of"], data["generado_en"], snapshots)


def athena_mart_sql(database: str, mart: str, snapshot_id: int | None) -> str:
    """One mart, at one Iceberg snapshot (time travel) when it is known."""
    table = f'"{_identifier(database)}"."{_identifier(mart)}"'
    if snapshot_id is None:
        return f"SELECT * FROM {table}"
    return f"SELECT * FROM {table} FOR VERSION AS OF {int(snapshot_id)}"


def athena_snapshot_sql(database: str, mart: str) -> str:
    """The newest Iceberg snapshot id of a mart (read by the pipeline when it publishes)."""
    table = f'"{_identifier(database)}"."{_identifier(mart)}$snapshots"'
    return f"SELECT snapshot_id FROM {table} ORDER BY committed_at DESC LIMIT 1"


class AthenaMarts:
    """The KPI marts on Athena through PyAthena (one query per mart, once per refresh)."""

    def __init__(
        self,
        database: str,
        *,
        connect: Callable[[], Any],
        snapshots: dict[str, int] | None = None,
    ):
        self.database, self.connect, self.snapshots = database, connect, snapshots or {}

    @classmethod
    def for_settings(cls, settings, snapshots: dict[str, int] | None = None) -> AthenaMarts:
        def connect():
            from pyathena import connect as athena_connect

            return athena_connect(
                s3_staging_dir=settings.athena_results_url,
                region_name=settings.aws_region,
                work_group=settings.athena_workgroup,
                poll_interval=POLL_SECONDS,
            )

        return cls(f"{settings.marts_database}_marts", connect=connect, snapshots=snapshots)

    def read(self, marts: Iterable[str] = MARTS) -> dict[str, list[dict[str, Any]]]:
        out = {}
        with self.connect() as conn:
            cursor = conn.cursor()
            for mart in marts:
                cursor.execute(athena_mart_sql(self.database, mart, self.snapshots.get(mart)))
                columns = [d[0] for d in cursor.description]
                out[mart] = rows_as_dicts(columns, cursor.fetchall())
        return out

    def current_snapshots(self, marts: Iterable[str] = MARTS) -> dict[str, int]:
        """Each mart's newest Iceberg snapshot id (the pipeline records them in the pointer)."""
        out = {}
        with self.connect() as conn:
            cursor = conn.cursor()
            for mart in marts:
                cursor.execute(athena_snapshot_sql(self.database, mart))
                row = cursor.fetchone()
                if row is None:
                    raise LookupError(f"{mart} has no Iceberg snapshot")
                out[mart] = int(row[0])
        return out
