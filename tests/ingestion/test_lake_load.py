"""Loading tables into a temporary lake: layout, schemas, idempotence, incremental runs,
atomic partition swaps."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from ingestion_support import DAYS, PII_KEY

from ingestion.lake import MANIFEST, Lake
from ingestion.load import TableLoader
from ingestion.tables import get_table
from ingestion.testing import write_sample_bank

NOW = timedelta(0)


def loader(source_dbs, lake, hasher, key, run_id="run-1", **kwargs) -> TableLoader:
    spec = get_table(key)
    return TableLoader(spec, source_dbs.sources.extractor(spec), lake, hasher, run_id, **kwargs)


def files_under(root: Path) -> dict[str, str]:
    """relative path -> sha256 of every file."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def bank(source_dbs):
    """Tests here change the sources: each starts from a fresh sample bank."""
    source_dbs.recreate()
    return write_sample_bank(source_dbs, DAYS)


@pytest.fixture(autouse=True)
def _fresh(bank):
    pass


def test_events_land_in_hive_partitions_with_manifests(source_dbs, bank, lake, hasher):
    result = loader(source_dbs, lake, hasher, "movimientos").load_events(DAYS[0], DAYS[-1])
    root = Path(lake.root)
    expected_files = []
    for day in DAYS:
        base = f"raw/cuentas/movimientos/dt={day.isoformat()}"
        expected_files += [f"{base}/{MANIFEST}", f"{base}/part-00000.parquet"]
    assert sorted(files_under(root)) == sorted(expected_files)
    spec = get_table("movimientos")
    for day in DAYS:
        table = pq.read_table(root / f"raw/cuentas/movimientos/dt={day}/part-00000.parquet")
        assert table.schema.remove_metadata() == spec.lake_schema
        assert table.num_rows == bank.rows_on("movimientos", day, "created_at")
        assert table.column("movimiento_id").to_pylist() == sorted(
            table.column("movimiento_id").to_pylist()
        )
        manifest = lake.read_manifest(spec, day.isoformat())
        assert manifest.rows == table.num_rows
        assert manifest.bytes == os.path.getsize(
            root / f"raw/cuentas/movimientos/dt={day}/part-00000.parquet"
        )
        assert manifest.run_id == "run-1"
        assert manifest.watermark is not None
        meta = pq.ParquetFile(root / f"raw/cuentas/movimientos/dt={day}/part-00000.parquet")
        assert meta.metadata.row_group(0).column(0).compression == "ZSTD"
    assert result.rows_extracted == len(bank.movimientos)
    assert [p.action for p in result.partitions] == ["written"] * 3
    assert not (root / "_staging" / "run-1").exists() or not any(
        (root / "_staging" / "run-1").rglob("*.parquet")
    )


def test_days_without_rows_get_an_empty_partition(source_dbs, lake, hasher):
    day = date(2025, 2, 1)
    result = loader(source_dbs, lake, hasher, "transacciones").load_events(day, day)
    assert [(p.dt, p.rows) for p in result.partitions] == [("2025-02-01", 0)]
    assert lake.data_files(get_table("transacciones")) == []


@pytest.mark.parametrize("key", ["movimientos", "transacciones"])
def test_rerunning_a_range_gives_identical_files(source_dbs, lake, hasher, key):
    root = Path(lake.root)
    loader(source_dbs, lake, hasher, key, "run-1").load_events(DAYS[0], DAYS[-1])
    first = {k: v for k, v in files_under(root).items() if k.endswith(".parquet")}
    again = loader(source_dbs, lake, hasher, key, "run-2").load_events(DAYS[0], DAYS[-1])
    assert {p.action for p in again.partitions} == {"unchanged"}
    assert {k: v for k, v in files_under(root).items() if k.endswith(".parquet")} == first
    refreshed = loader(source_dbs, lake, hasher, key, "run-3").load_events(
        DAYS[0], DAYS[-1], full_refresh=True
    )
    assert {p.action for p in refreshed.partitions} == {"written"}
    assert {k: v for k, v in files_under(root).items() if k.endswith(".parquet")} == first


def test_snapshot_rerun_same_day_is_identical(source_dbs, lake, hasher):
    root = Path(lake.root)
    day = date(2025, 3, 10)
    loader(source_dbs, lake, hasher, "clientes", "run-1").load_snapshot(day)
    first = files_under(root)
    result = loader(source_dbs, lake, hasher, "clientes", "run-2").load_snapshot(day)
    assert result.partitions[0].action == "unchanged"
    parquet = {k: v for k, v in files_under(root).items() if k.endswith(".parquet")}
    assert parquet == {k: v for k, v in first.items() if k.endswith(".parquet")}


def test_incremental_run_picks_up_exactly_the_new_rows(source_dbs, bank, lake, hasher):
    spec = get_table("movimientos")
    loader(source_dbs, lake, hasher, "movimientos", "run-1").load_events(DAYS[0], DAYS[-1])
    before = {d.isoformat(): lake.read_partition(spec, d.isoformat()) for d in DAYS}
    extra = write_sample_bank(
        source_dbs,
        [DAYS[1]],
        clients_per_day=2,
        seed=99,
        first_id=1000,
        touched_at=datetime.now(UTC),
    )
    result = loader(source_dbs, lake, hasher, "movimientos", "run-2", lookback=NOW).load_events(
        DAYS[0], DAYS[-1]
    )
    assert result.rows_extracted == len(extra.movimientos)
    assert result.rows_inserted == len(extra.movimientos)
    actions = {p.dt: p.action for p in result.partitions}
    assert actions == {
        "2025-03-01": "unchanged",
        "2025-03-02": "written",
        "2025-03-03": "unchanged",
    }
    after = lake.read_partition(spec, "2025-03-02")
    new_ids = {m["movimiento_id"] for m in extra.movimientos}
    assert (
        set(after.column("movimiento_id").to_pylist())
        == set(before["2025-03-02"].column("movimiento_id").to_pylist()) | new_ids
    )
    # a larger lookback re-reads rows already in the lake and changes nothing
    result = loader(
        source_dbs, lake, hasher, "movimientos", "run-3", lookback=timedelta(days=3650)
    ).load_events(DAYS[0], DAYS[-1])
    assert result.rows_inserted == result.rows_updated == 0
    assert {p.action for p in result.partitions} == {"unchanged"}


def test_snapshot_incremental_merges_inserts_and_updates(source_dbs, bank, lake, hasher):
    spec = get_table("clientes")
    day, next_day = date(2025, 3, 10), date(2025, 3, 11)
    loader(source_dbs, lake, hasher, "clientes", "run-1").load_snapshot(day)
    extra = write_sample_bank(
        source_dbs,
        [DAYS[2]],
        clients_per_day=3,
        seed=5,
        first_id=2000,
        touched_at=datetime.now(UTC),
    )
    with source_dbs.pg() as conn:  # the trigger moves updated_at to now()
        conn.execute("UPDATE clientes SET estado = 'inactivo' WHERE cliente_id = 3")  # was activo
    result = loader(source_dbs, lake, hasher, "clientes", "run-2", lookback=NOW).load_snapshot(
        next_day
    )
    assert (result.rows_extracted, result.rows_inserted, result.rows_updated) == (4, 3, 1)
    snapshot = lake.read_partition(spec, next_day.isoformat())
    assert snapshot.num_rows == len(bank.clientes) + len(extra.clientes)
    states = dict(
        zip(snapshot["cliente_id"].to_pylist(), snapshot["estado"].to_pylist(), strict=True)
    )
    assert states[3] == "inactivo"
    # yesterday's snapshot is history: untouched
    assert lake.read_partition(spec, day.isoformat()).num_rows == len(bank.clientes)


def test_exception_between_staging_and_swap_keeps_the_old_partition(
    source_dbs, lake, hasher, monkeypatch
):
    spec = get_table("movimientos")
    day = DAYS[0]
    loader(source_dbs, lake, hasher, "movimientos", "run-1").load_events(day, day)
    before = files_under(Path(lake.partition_path(spec, day.isoformat())))

    def broken_publish(self, spec, dt, staged):
        raise OSError("disk gone")

    monkeypatch.setattr(Lake, "publish", broken_publish)
    with pytest.raises(OSError, match="disk gone"):
        loader(source_dbs, lake, hasher, "movimientos", "run-2").load_events(
            day, day, full_refresh=True
        )
    assert files_under(Path(lake.partition_path(spec, day.isoformat()))) == before
    assert lake.read_partition(spec, day.isoformat()).num_rows > 0
    assert not list(Path(lake.root, "_staging").rglob("*.parquet"))


def test_a_writer_killed_midway_leaves_the_previous_partition_intact(source_dbs, lake, hasher):
    spec = get_table("movimientos")
    day = DAYS[1]
    loader(source_dbs, lake, hasher, "movimientos", "run-1").load_events(day, day)
    partition = Path(lake.partition_path(spec, day.isoformat()))
    before = files_under(partition)
    sources = source_dbs.sources
    script = textwrap.dedent(
        f"""
        import os, signal
        from datetime import date
        from ingestion.extract.base import Sources
        from ingestion.lake import Lake, PartitionWriter
        from ingestion.load import TableLoader
        from ingestion.pii import PiiHasher
        from ingestion.tables import get_table

        original = PartitionWriter.flush
        def flush_then_die(self):
            original(self)
            if self.files:  # a Parquet file is half written in the staging area
                os.kill(os.getpid(), signal.SIGKILL)
        PartitionWriter.flush = flush_then_die
        sources = Sources({sources.postgres_dsn!r}, {sources.mysql!r}, {sources.mongo_url!r},
                          {sources.mongo_database!r}, {sources.mongo_collections!r})
        spec = get_table("movimientos")
        loader = TableLoader(spec, sources.extractor(spec), Lake({lake.url!r}),
                             PiiHasher({PII_KEY!r}), "run-killed")
        loader.load_events(date.fromisoformat("{day}"), date.fromisoformat("{day}"),
                           full_refresh=True)
        """
    )
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert process.returncode == -9, process.stderr
    assert list(Path(lake.root, "_staging", "run-killed").rglob("*.parquet"))  # it got that far
    assert files_under(partition) == before
    assert lake.read_partition(spec, day.isoformat()).num_rows == before_rows(lake, spec, day)
    lake.clean_staging()
    assert not Path(lake.root, "_staging", "run-killed").exists()
    result = loader(source_dbs, lake, hasher, "movimientos", "run-3").load_events(day, day)
    assert result.partitions[0].action == "unchanged"


def test_days_staged_while_reading_stay_invisible_until_the_end(source_dbs, lake, hasher):
    """With small batches, earlier days are written to the staging area while later ones are
    still being read; a process killed then leaves every live partition as it was."""
    spec = get_table("movimientos")
    loader(source_dbs, lake, hasher, "movimientos", "run-1").load_events(DAYS[0], DAYS[-1])
    table = Path(lake.table_path(spec))
    before = files_under(table)
    sources = source_dbs.sources
    script = textwrap.dedent(
        f"""
        import os, signal
        from datetime import date
        from pathlib import Path
        import ingestion.load
        from ingestion.extract.base import Sources
        from ingestion.lake import Lake
        from ingestion.load import TableLoader
        from ingestion.pii import PiiHasher
        from ingestion.tables import get_table

        original = ingestion.load._stage_days_before
        def stage_then_die(day, writers):
            original(day, writers)
            if any(Path({lake.root!r}, "_staging").rglob("*.parquet")):
                os.kill(os.getpid(), signal.SIGKILL)
        ingestion.load._stage_days_before = stage_then_die
        sources = Sources({sources.postgres_dsn!r}, {sources.mysql!r}, {sources.mongo_url!r},
                          {sources.mongo_database!r}, {sources.mongo_collections!r})
        spec = get_table("movimientos")
        loader = TableLoader(spec, sources.extractor(spec), Lake({lake.url!r}),
                             PiiHasher({PII_KEY!r}), "run-killed", batch_rows=2)
        loader.load_events(date.fromisoformat("{DAYS[0]}"), date.fromisoformat("{DAYS[-1]}"),
                           full_refresh=True)
        """
    )
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert process.returncode == -9, process.stderr
    assert list(Path(lake.root, "_staging", "run-killed").rglob("*.parquet"))
    assert files_under(table) == before


def test_small_batches_give_the_same_partitions_and_identical_reruns(
    source_dbs, bank, lake, hasher, tmp_path
):
    """Days staged early (small batches) hold the same rows, in key order, as days written
    at the end; and the same batches give byte-identical files again."""
    spec = get_table("movimientos")
    loader(source_dbs, lake, hasher, "movimientos", "run-1").load_events(DAYS[0], DAYS[-1])
    small = Lake((tmp_path / "small").as_uri())
    loader(source_dbs, small, hasher, "movimientos", "run-1", batch_rows=2).load_events(
        DAYS[0], DAYS[-1]
    )
    for day in DAYS:
        expected = lake.read_partition(spec, day.isoformat())
        assert small.read_partition(spec, day.isoformat()).equals(expected)
        manifest = small.read_manifest(spec, day.isoformat())
        assert manifest.rows == expected.num_rows
        for data_file in manifest.files:
            path = Path(small.partition_path(spec, day.isoformat()), data_file.name)
            assert data_file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
            assert data_file.bytes == path.stat().st_size
    first = files_under(Path(small.root, "raw"))
    loader(source_dbs, small, hasher, "movimientos", "run-2", batch_rows=2).load_events(
        DAYS[0], DAYS[-1], full_refresh=True
    )
    parquet = {k: v for k, v in files_under(Path(small.root, "raw")).items() if "parquet" in k}
    assert parquet == {k: v for k, v in first.items() if "parquet" in k}


def test_a_file_encoded_in_memory_equals_a_streamed_one(source_dbs, lake, hasher):
    spec = get_table("movimientos")
    loader(source_dbs, lake, hasher, "movimientos").load_events(DAYS[0], DAYS[0])
    rows = lake.read_partition(spec, DAYS[0].isoformat())
    whole = lake.writer(spec, "2024-01-01", "run-x")
    whole.write(rows)
    streamed = lake.writer(spec, "2024-01-02", "run-x")
    streamed.write(rows)
    streamed.flush()  # a file is open: the rows go through the streaming writer
    assert whole.commit(None).files == streamed.commit(None).files


def before_rows(lake, spec, day) -> int:
    return lake.read_manifest(spec, day.isoformat()).rows


def test_watermark_is_never_later_than_the_read(source_dbs, lake, hasher):
    started = datetime.now(UTC)
    result = loader(source_dbs, lake, hasher, "transacciones").load_events(DAYS[0], DAYS[-1])
    assert datetime.fromisoformat(result.watermark) <= datetime.now(UTC)
    assert datetime.fromisoformat(result.watermark) <= max(
        started, datetime.fromisoformat(result.watermark)
    )


def test_catch_up_loads_the_whole_history_into_an_empty_lake(source_dbs, bank, lake, hasher):
    spec = get_table("transacciones")
    result = loader(source_dbs, lake, hasher, "transacciones").load_events(
        DAYS[-1], DAYS[-1], catch_up=True
    )
    assert [p.dt for p in result.partitions] == [d.isoformat() for d in DAYS]
    assert result.rows_extracted == len(bank.transacciones)
    # once history is there, a run covers only its own range
    again = loader(source_dbs, lake, hasher, "transacciones", "run-2").load_events(
        DAYS[-1], DAYS[-1], catch_up=True
    )
    assert [p.dt for p in again.partitions] == [DAYS[-1].isoformat()]
    assert lake.partitions(spec) == [d.isoformat() for d in DAYS]
