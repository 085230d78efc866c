"""Benchmark of cuentas through HAProxy: GET /cuentas/{id} and GET /cuentas?limit=50 at 32
concurrent keep-alive clients, about 10 s each. Prints req/s, p50, p99, errors and the CPU
time each request cost the stack.

Runs against the stack in the environment (``CLOUDBANK_*``; ``cloudbank up`` and a loaded
seed first). Not a test: timings vary with the machine; the target is p99 ≤ 25 ms for GET by
id with zero errors.

    python tests/perf/bench_cuentas.py [--seconds 10] [--clients 32]

The load generator is a small asyncio HTTP/1.1 client (one keep-alive connection per
client): it spends far less CPU per request than a general-purpose client library and
leaves the cores to HAProxy, the instances and MariaDB. On a shared machine latency depends
on everything else running; the CPU-per-request column does not, and says what the stack
would sustain on dedicated cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

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
    """CPU time (user + system, all threads) used so far by ``pids`` and by this process."""
    total = time.process_time()
    for pid in pids.values():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Result:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    instances: Counter = field(default_factory=Counter)
    cpu: float = 0.0  # CPU seconds of the stack and the load generator while measuring

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def row(self) -> str:
        count = len(self.latencies)
        rate = count / self.seconds if self.seconds else 0.0
        cpu_ms = self.cpu / count * 1000 if count else float("nan")
        return (
            f"| {self.name:<22} | {count:>8} | {rate:>7.0f} | {self.percentile(50):>7.2f} | "
            f"{self.percentile(99):>7.2f} | {self.errors:>6} | {cpu_ms:>7.2f} |"
        )


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[bytes, bytes]]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    headers: dict[bytes, bytes] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    await reader.readexactly(int(headers.get(b"content-length", b"0")))
    return status, headers


async def _client(host, port, requests: list[bytes], until: float, result: Result, warm: float):
    reader = writer = None
    i = random.randrange(len(requests))
    while time.perf_counter() < until:
        if writer is None:
            reader, writer = await asyncio.open_connection(host, port)
        started = time.perf_counter()
        try:
            writer.write(requests[i % len(requests)])
            status, headers = await _read_response(reader)
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            result.errors += started >= warm
            writer.close()
            writer = None
            continue
        i += 1
        if started < warm:
            continue  # warm-up: not counted
        result.latencies.append(time.perf_counter() - started)
        result.instances[headers.get(b"x-instance", b"?").decode()] += 1
        if status != 200:
            result.errors += 1
        if headers.get(b"connection", b"").lower() == b"close":
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def run(name, host, port, paths, token, clients, seconds, pids, warmup=1.0) -> Result:
    requests = [
        f"GET {p} HTTP/1.1\r\nHost: cuentas\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
        for p in paths
    ]
    result = Result(name)
    start = time.perf_counter()
    warm, until = start + warmup, start + warmup + seconds

    async def account_cpu() -> None:
        await asyncio.sleep(max(0.0, warm - time.perf_counter()))
        before = cpu_seconds(pids)
        await asyncio.sleep(max(0.0, until - time.perf_counter()))
        result.cpu = cpu_seconds(pids) - before

    await asyncio.gather(
        account_cpu(), *(_client(host, port, requests, until, result, warm) for _ in range(clients))
    )
    result.seconds = time.perf_counter() - warm
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()

    settings = get_settings()
    host, port = settings.host, settings.port(settings.cuentas_port)
    token = issue_token("bench", Role.ADMIN, settings)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        page = httpx.get(
            f"http://{host}:{port}/cuentas", params={"limit": 200}, headers=auth, timeout=5
        )
    except httpx.HTTPError as exc:
        sys.exit(f"cuentas is not answering on {host}:{port} ({exc}); run 'cloudbank up' first")
    ids = [c["cuenta_id"] for c in page.json().get("items", [])]
    if len(ids) < 50:
        sys.exit("fewer than 50 accounts: load the seed first ('cloudbank seed')")

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    pids = stack_pids(settings)
    scenarios = [
        ("GET /cuentas/{id}", [f"/cuentas/{random.choice(ids)}" for _ in range(1000)]),
        ("GET /cuentas?limit=50", [f"/cuentas?limit=50&offset={o}" for o in (0, 50, 100, 150)]),
    ]
    results = [
        asyncio.run(run(name, host, port, paths, token, args.clients, args.seconds, pids))
        for name, paths in scenarios
    ]
    print(
        f"\ncuentas via HAProxy {host}:{port}, {args.clients} clients, {args.seconds:.0f} s each"
        f" ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})\n"
    )
    print("| scenario               | requests |   req/s | p50 ms  | p99 ms  | errors | CPU ms* |")
    print("|------------------------|---------:|--------:|--------:|--------:|-------:|--------:|")
    for result in results:
        print(result.row())
    print(
        "\n* CPU time per request of "
        + (", ".join(pids) or "(no pid files found)")
        + " and the load generator together"
    )
    for result in results:
        share = ", ".join(f"{k}: {v}" for k, v in sorted(result.instances.items()))
        print(f"{result.name} served by {share}")


if __name__ == "__main__":
    main()
