"""Benchmark of cuentas through HAProxy: GET /cuentas/{id} and GET /cuentas?limit=50 at 32
concurrent keep-alive clients, about 10 s each. Prints req/s, p50, p99 and errors.

Runs against the stack in the environment (``CLOUDBANK_*``; ``cloudbank up`` and a loaded
seed first). Not a test: timings vary with the machine; the target here is p99 ≤ 25 ms for
GET by id with zero errors.

    python tests/perf/bench_cuentas.py [--seconds 10] [--clients 32]

The load generator is a small asyncio HTTP/1.1 client (one keep-alive connection per
client), so it spends far less CPU per request than a general-purpose client library and
leaves the two cores to HAProxy, the instances and MariaDB.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from services.common.auth import Role, issue_token
from services.common.settings import get_settings


@dataclass
class Result:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    instances: Counter = field(default_factory=Counter)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def row(self) -> str:
        rate = len(self.latencies) / self.seconds if self.seconds else 0
        return (
            f"| {self.name:<28} | {len(self.latencies):>8} | {rate:>8.0f} | "
            f"{self.percentile(50):>7.2f} | {self.percentile(99):>7.2f} | {self.errors:>6} |"
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


async def run(name, host, port, paths, token, clients, seconds, warmup=1.0) -> Result:
    requests = [
        f"GET {p} HTTP/1.1\r\nHost: cuentas\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
        for p in paths
    ]
    result = Result(name)
    start = time.perf_counter()
    warm, until = start + warmup, start + warmup + seconds
    await asyncio.gather(
        *(_client(host, port, requests, until, result, warm) for _ in range(clients))
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
    by_id = [f"/cuentas/{random.choice(ids)}" for _ in range(1000)]
    offsets = [0, 50, 100, 150]
    lists = [f"/cuentas?limit=50&offset={o}" for o in offsets]
    results = [
        asyncio.run(run("GET /cuentas/{id}", host, port, by_id, token, args.clients, args.seconds)),
        asyncio.run(
            run("GET /cuentas?limit=50", host, port, lists, token, args.clients, args.seconds)
        ),
    ]
    print(
        f"\ncuentas via HAProxy {host}:{port}, {args.clients} clients, {args.seconds:.0f} s each\n"
    )
    print("| scenario                     | requests |    req/s | p50 ms  | p99 ms  | errors |")
    print("|------------------------------|---------:|---------:|--------:|--------:|-------:|")
    for result in results:
        print(result.row())
    for result in results:
        share = ", ".join(f"{k}: {v}" for k, v in sorted(result.instances.items()))
        print(f"\n{result.name} served by {share}")


if __name__ == "__main__":
    main()
