"""Benchmark of the analytics side (not collected by pytest): ``make bench`` or
``python tests/perf/bench_analytics.py [--scale 1] [--seconds 10] [--connections 64]``.

1. Full pipeline wall time at the given scale: seed the source databases, then one
   ``cloudbank pipeline`` (extract → blocking checks → dbt build with its tests → dbt docs →
   snapshot), plus the time until the running analytics API serves the new snapshot.
   Target at scale 1: ≤ 90 s.
2. The analytics endpoints at 64 concurrent connections (wrk, keep-alive, an analista token)
   against the service as ``cloudbank up`` runs it (granian, 2 workers), with the source
   databases stopped (the API never reads them): req/s, p50, p99, errors. Target: p99 ≤ 10 ms,
   zero errors.

It runs its own throwaway stack (a temporary var dir, port offset
CLOUDBANK_ANALYTICS_BENCH_PORT_OFFSET, default 8500), so other stacks and their data are left
alone. Needs ``wrk`` (Debian package ``wrk``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

ENDPOINTS = [
    "/dashboard-ejecutivo",
    "/clientes-por-estado",
    "/clientes/activos?limit=50",
    "/cuentas/por-tipo",
    "/top-cuentas?limit=10",
    "/transacciones/por-mes?limit=200",
    "/volumen-transacciones?moneda=PEN",
    "/actividad-diaria?limit=200",
    "/frescura",
    "/calidad",
]


def seed(settings, scale: float) -> None:
    from ingestion.testing import seed_stack

    seconds = seed_stack(settings, scale)
    print(f"seeded scale {scale:g} in {seconds:.1f}s", flush=True)


def child_env(settings) -> dict[str, str]:
    dagster_home = settings.var_dir / "dagster"
    dagster_home.mkdir(exist_ok=True)
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return {
        **os.environ,
        "CLOUDBANK_VAR_DIR": str(settings.var_dir),
        "CLOUDBANK_PORT_OFFSET": str(settings.port_offset),
        "DAGSTER_HOME": str(dagster_home),
    }


def run_pipeline(settings, api: str, headers: dict) -> tuple[float, float]:
    """(pipeline wall seconds, seconds until the API serves the new snapshot)."""
    started = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cloudbank"), "pipeline"],
        env=child_env(settings),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode:
        print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit("the pipeline failed")
    run_id = (settings.var_dir / "analytics" / "current").read_text().strip()
    ended = time.perf_counter()
    while time.perf_counter() - ended < 30:
        response = httpx.get(f"{api}/dashboard-ejecutivo", headers=headers, timeout=5)
        if response.status_code == 200 and response.json()["run_id"] == run_id:
            break
        time.sleep(0.05)
    else:
        raise SystemExit("the API did not pick up the new snapshot in 30 s")
    return seconds, time.perf_counter() - ended


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    from benchkit import throwaway_stack, wrk_get

    from services.common.auth import Role, issue_token

    offset = int(os.environ.get("CLOUDBANK_ANALYTICS_BENCH_PORT_OFFSET", "8500"))
    with throwaway_stack(offset, prefix="cloudbank-analytics-bench-") as stack:
        settings = stack.settings
        os.environ.update(
            {"CLOUDBANK_VAR_DIR": str(settings.var_dir), "CLOUDBANK_PORT_OFFSET": str(offset)}
        )
        token = issue_token("bench", Role.ANALISTA, settings)
        headers = {"Authorization": f"Bearer {token}"}
        api = settings.service_url(settings.analytics_port)
        stack.up(["postgres", "mariadb", "mongo", "analytics"])
        seed(settings, args.scale)
        pipeline, refresh = run_pipeline(settings, api, headers)
        print(
            f"\nfull pipeline at scale {args.scale:g}: {pipeline:.1f}s wall "
            f"(extract, checks, dbt build and docs, snapshot); API serving it {refresh:.2f}s "
            "after the run ended",
            flush=True,
        )
        # the API serves from memory and never reads the sources: stop them, so their own
        # after-load work (autovacuum, purge) does not take the cores from the measurement
        stack.down(["postgres", "mariadb", "mongo"])
        print(
            f"\nanalytics API, {args.connections} connections, {args.seconds}s each "
            "(granian, 2 workers; wrk, 2 threads, on the same 2 cores)"
        )
        print(f"{'ENDPOINT':<36} {'REQ/S':>8} {'P50 ms':>8} {'P99 ms':>8} {'ERRORS':>7}")
        for path in ENDPOINTS:
            r = wrk_get(api, [path], headers, args.seconds, args.connections)
            print(
                f"{path:<36} {r.rps:>8,.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.errors:>7}",
                flush=True,
            )
        print(f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
