"""Benchmark of the data pipeline (not collected by pytest): ``make bench`` or
``python tests/perf/bench_pipeline.py [--scales 1 10] [--skip-seed] [--skip-pipeline]``.

For each scale: seed the stack's source databases (``cloudbank seed --scale N --reset``), then,
in a fresh child process per source table, extract + protect + write the whole table into a
temporary lake and report rows/s and the child's peak RSS (it must stay flat as the scale
grows). Finally the wall time of one full ``cloudbank pipeline`` run (all tables, catalog,
every check) at the largest scale. Targets: ≥ 200k rows/s from PostgreSQL and MariaDB;
peak RSS < 1 GiB at scale 10.

It runs its own throwaway databases (a temporary var dir, port offset
CLOUDBANK_BENCH_PORT_OFFSET, default 800), so the demo stack and its data are left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def child_extract(table: str, lake_url: str) -> None:
    """One table, full extraction into an empty lake; prints a JSON line."""
    import pandas  # noqa: F401 - imported lazily by pyarrow on first use: not what we time
    import pyarrow.parquet  # noqa: F401

    from ingestion.extract.base import Sources
    from ingestion.lake import Lake
    from ingestion.load import TableLoader
    from ingestion.pii import PiiHasher
    from ingestion.tables import Kind, get_table
    from services.common.settings import get_settings

    settings = get_settings()
    spec = get_table(table)
    extractor = Sources.from_settings(settings).extractor(spec)
    extractor.first_date(spec) if spec.partition_by else None  # connect (and import the driver)
    loader = TableLoader(spec, extractor, Lake(lake_url), PiiHasher("bench"), "bench")
    started = time.perf_counter()
    if spec.kind is Kind.EVENTS:
        first = extractor.first_date(spec) or datetime.now(UTC).date()
        result = loader.load_events(first, datetime.now(UTC).date())
    else:
        result = loader.load_snapshot(date.today())
    seconds = time.perf_counter() - started
    extractor.close()
    print(
        json.dumps(
            {
                "table": spec.key,
                "engine": spec.engine,
                "rows": result.rows_extracted,
                "seconds": seconds,
                "partitions": len(result.partitions),
                "bytes": result.bytes,
                "peak_rss_mib": peak_rss_mib(),
                "cpu_seconds": cpu_seconds(),
            }
        )
    )


def peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM; ru_maxrss would include the parent's before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def seed(settings, scale: float) -> None:
    from ingestion.testing import seed_stack

    seconds = seed_stack(settings, scale)
    print(f"  seeded scale {scale:g} in {seconds:.1f}s", flush=True)


def child_env(settings) -> dict:
    return {
        **os.environ,
        "CLOUDBANK_VAR_DIR": str(settings.var_dir),
        "CLOUDBANK_PORT_OFFSET": str(settings.port_offset),
    }


def extract_all(settings, scale: float) -> list[dict]:
    from ingestion.tables import TABLES

    rows = []
    for key in TABLES:
        lake = Path(tempfile.mkdtemp(prefix="bench-lake-"))
        try:
            child = subprocess.run(
                [sys.executable, __file__, "--child", key, lake.as_uri()],
                capture_output=True,
                text=True,
                env=child_env(settings),
            )
        finally:
            shutil.rmtree(lake, ignore_errors=True)
        if child.returncode:
            sys.exit(f"extracting {key} failed:\n{child.stderr[-3000:]}")
        out = child.stdout.strip().splitlines()[-1]
        result = json.loads(out)
        result["scale"] = scale
        rows.append(result)
        print(
            f"  {result['table']:<30} {result['rows']:>9,} rows {result['seconds']:7.2f}s "
            f"{result['rows'] / result['seconds']:>11,.0f} rows/s  "
            f"{result['rows'] / result['cpu_seconds']:>11,.0f} rows/CPU-s  "
            f"peak RSS {result['peak_rss_mib']:6.0f} MiB",
            flush=True,
        )
    return rows


def pipeline_wall_time(settings) -> float:
    var = Path(tempfile.mkdtemp(prefix="bench-var-"))
    env = {**child_env(settings), "CLOUDBANK_LAKE_URL": (var / "lake").as_uri()}
    env["DAGSTER_HOME"] = str(var / "dagster")
    (var / "dagster").mkdir()
    (var / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    started = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cloudbank"), "pipeline"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    print("\n".join("    " + line for line in result.stdout.splitlines()[-4:]))
    if result.returncode:
        print(result.stderr[-3000:])
    shutil.rmtree(var, ignore_errors=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("TABLE", "LAKE_URL"))
    parser.add_argument("--scales", nargs="+", type=float, default=[1, 10])
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()
    if args.child:
        child_extract(*args.child)
        return
    from benchkit import throwaway_stack

    offset = int(os.environ.get("CLOUDBANK_BENCH_PORT_OFFSET", "800"))
    with throwaway_stack(offset) as stack:
        stack.up(["postgres", "mariadb", "mongo"])
        report(stack.settings, args)


def report(settings, args) -> None:
    results = []
    for scale in args.scales:
        print(f"scale {scale:g}", flush=True)
        seed(settings, scale)
        results += extract_all(settings, scale)
    print("\nextract + PII + write, one process per table")
    print(
        f"{'SCALE':>5} {'TABLE':<30} {'ENGINE':<8} {'ROWS':>9} {'ROWS/S':>10} "
        f"{'ROWS/CPU-S':>10} {'PEAK RSS MiB':>12}"
    )
    for r in results:
        print(
            f"{r['scale']:>5g} {r['table']:<30} {r['engine']:<8} {r['rows']:>9,} "
            f"{r['rows'] / r['seconds']:>10,.0f} {r['rows'] / r['cpu_seconds']:>10,.0f} "
            f"{r['peak_rss_mib']:>12,.0f}"
        )
    print(f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for engine in ("postgres", "mysql", "mongo"):
        for scale in args.scales:
            group = [r for r in results if r["engine"] == engine and r["scale"] == scale]
            rows, seconds = sum(r["rows"] for r in group), sum(r["seconds"] for r in group)
            print(
                f"  {engine:<8} scale {scale:>4g}: {rows / seconds if seconds else 0:>10,.0f} rows/s"
            )
    if not args.skip_pipeline:
        seconds = pipeline_wall_time(settings)
        print(f"\nfull pipeline at scale {args.scales[-1]:g}: {seconds:.1f}s wall time")


if __name__ == "__main__":
    main()
