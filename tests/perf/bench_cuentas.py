"""Benchmark of cuentas through HAProxy: GET /cuentas/{id} and GET /cuentas?limit=50 at 32
concurrent keep-alive connections (wrk), 10 s each after a 2 s warm-up. Prints req/s, p50,
p99, errors, the CPU time each request cost the stack (both instances, HAProxy, MariaDB) and
how HAProxy shared the requests between the instances.

Runs against the stack in the environment (``CLOUDBANK_*``; ``cloudbank up`` and a loaded
seed first). Not a test: timings vary with the machine; the target is p99 ≤ 25 ms for GET by
id with zero errors. On a shared machine latency depends on everything else running; the
CPU-per-request column does not, and says what the stack would sustain on dedicated cores.

    python tests/perf/bench_cuentas.py [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import httpx
from benchkit import wrk_get

from infra.local.components import HAProxy, MariaDB, cuentas_instances
from infra.local.stack import Stack
from services.common.auth import Role, issue_token
from services.common.settings import Settings, get_settings


def stack_pids(settings: Settings) -> dict[str, int]:
    """The processes that serve a request: both instances, HAProxy and MariaDB."""
    components = [MariaDB(settings), *cuentas_instances(settings), HAProxy(settings)]
    stack = Stack(settings, components)
    pids = {c.name: stack.pid_file(c).live_pid() for c in components}
    return {name: pid for name, pid in pids.items() if pid is not None}


def cpu_seconds(pids: dict[str, int]) -> float:
    """CPU time (user + system, all threads) used so far by ``pids``."""
    total = 0.0
    for pid in pids.values():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def answered_by_instance(haproxy: HAProxy) -> dict[str, int]:
    """2xx answers so far per instance, from HAProxy's statistics."""
    return {name: int(row["hrsp_2xx"] or 0) for name, row in haproxy.servers().items()}


def measure(settings: Settings, base: str, paths: list[str], token: str, args) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    wrk_get(base, paths, headers, 2, args.connections)  # warm-up: pools, caches
    pids, haproxy = stack_pids(settings), HAProxy(settings)
    cpu_before, shares_before = cpu_seconds(pids), answered_by_instance(haproxy)
    result = wrk_get(base, paths, headers, args.seconds, args.connections)
    cpu = cpu_seconds(pids) - cpu_before
    shares = answered_by_instance(haproxy)
    return {
        "result": result,
        "cpu_ms": cpu * 1000 / max(result.requests, 1),
        "shares": {name: shares[name] - shares_before.get(name, 0) for name in shares},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    settings = get_settings()
    base = settings.service_url(settings.cuentas_port)
    token = issue_token("bench", Role.ADMIN, settings)
    try:
        page = httpx.get(
            f"{base}/cuentas",
            params={"limit": 200},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
    except httpx.HTTPError as exc:
        sys.exit(f"cuentas is not answering at {base} ({exc}); run 'cloudbank up' first")
    ids = [c["cuenta_id"] for c in page.json().get("items", [])]
    if len(ids) < 50:
        sys.exit("fewer than 50 accounts: load the seed first ('cloudbank seed')")

    rng = random.Random(42)
    scenarios = [
        ("GET /cuentas/{id}", [f"/cuentas/{rng.choice(ids)}" for _ in range(1000)]),
        ("GET /cuentas?limit=50", [f"/cuentas?limit=50&offset={o}" for o in (0, 50, 100, 150)]),
    ]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    rows = [(name, measure(settings, base, paths, token, args)) for name, paths in scenarios]
    print(
        f"\ncuentas via HAProxy {base}, wrk with {args.connections} connections, "
        f"{args.seconds:g} s each; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after ({time.perf_counter() - started:.0f} s) on "
        f"{os.cpu_count()} CPUs\n"
    )
    print("| scenario               | requests |   req/s | p50 ms  | p99 ms  | errors | CPU ms* |")
    print("|------------------------|---------:|--------:|--------:|--------:|-------:|--------:|")
    for name, row in rows:
        r = row["result"]
        print(
            f"| {name:<22} | {r.requests:>8} | {r.rps:>7.0f} | {r.p50_ms:>7.2f} | "
            f"{r.p99_ms:>7.2f} | {r.errors:>6} | {row['cpu_ms']:>7.2f} |"
        )
    print("\n* CPU time per request of both instances, HAProxy and MariaDB (not wrk's)")
    for name, row in rows:
        share = ", ".join(f"{k}: {v}" for k, v in sorted(row["shares"].items()))
        print(f"{name} answered by {share}")


if __name__ == "__main__":
    main()
