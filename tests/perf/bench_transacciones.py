"""Benchmark of POST /transacciones through the real path: transacciones → HAProxy → both
cuentas instances → MariaDB, with MongoDB (nx-27017 unless a mongod is configured).

    python tests/perf/bench_transacciones.py [--seconds 20] [--concurrency 16 32]
                                             [--soak 30] [--accounts 100] [--hot 10]

It runs its own throwaway stack (a temporary var dir, port offset CLOUDBANK_BENCH_PORT_OFFSET,
default 800): its accounts and transactions are made up for the load and must not land in the
demo stack's data. Once both cuentas instances are UP in HAProxy:

1. throughput: for each concurrency, clients send transfers among ``--accounts`` well-funded
   accounts for ``--seconds``; committed (COMPLETADA) transactions per second and latency
   percentiles;
2. soak: 32 clients send transfers among ``--hot`` accounts with small balances for
   ``--soak`` seconds (contention on a few rows; some transfers are rejected for funds).

After each run it waits until no transaction of the run is PENDIENTE and audits the books
(the test suite's auditor): balance = opening + Σ journal per account and currency, no
negative balance, every COMPLETADA with exactly its legs, every RECHAZADA with none. It also
prints the CPU time each server process spent per committed transaction. The load is made
by a minimal keep-alive HTTP/1.1 client, so the generator takes little of the CPU it measures.
Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "services" / "transacciones"))

import httpx  # noqa: E402
from benchkit import throwaway_stack  # noqa: E402
from transacciones_support import Ledger, audit, mongo_collection, wait_settled  # noqa: E402

from infra.local.components import HAProxy  # noqa: E402
from infra.local.process import PidFile, wait_until  # noqa: E402
from services.common.auth import Role, issue_token  # noqa: E402
from services.common.settings import Settings  # noqa: E402

NEEDED = ["mariadb", "mongo", "redis", "cuentas-1", "cuentas-2", "haproxy", "transacciones"]


@dataclass
class Run:
    name: str
    concurrency: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    estados: Counter = field(default_factory=Counter)
    created: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


class Connection:
    """One keep-alive HTTP/1.1 connection; just enough protocol for this benchmark."""

    def __init__(self, host: str, port: int, token: str):
        self.host, self.port, self.token = host, port, token
        self.reader = self.writer = None

    async def post(self, path: str, body: dict) -> tuple[int, dict]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {self.token}\r\nIdempotency-Key: {uuid.uuid4().hex}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        self.writer.write(head.encode() + payload)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, json.loads(await self.reader.readexactly(length))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def group_cpu_seconds(settings: Settings) -> dict[str, float]:
    """CPU seconds used so far by each component's process group (workers included)."""
    tick = os.sysconf("SC_CLK_TCK")
    leaders = {}
    for name in NEEDED:
        pid = PidFile(settings.run_dir / f"{name}.pid").live_pid()
        if pid:
            leaders[pid] = name
    totals = dict.fromkeys(leaders.values(), 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        group = int(fields[2])
        if group in leaders:
            totals[leaders[group]] += (int(fields[11]) + int(fields[12])) / tick
    return totals


async def load(settings: Settings, run: Run, accounts: list[int], monto_range, seconds: float):
    token = issue_token("bench", Role.CAJERO, settings)
    host, port = settings.host, settings.port(settings.transacciones_port)

    async def client(seed: int, stop: float) -> None:
        rng = random.Random(seed)
        conn = Connection(host, port, token)
        try:
            while time.monotonic() < stop:
                origen, destino = rng.sample(accounts, 2)
                body = {
                    "tipo": "TRANSFERENCIA",
                    "cuenta_origen_id": origen,
                    "cuenta_destino_id": destino,
                    "monto": f"{rng.randint(*monto_range) / 100:.2f}",
                    "moneda": "PEN",
                }
                started = time.perf_counter()
                try:
                    status, answer = await conn.post("/transacciones", body)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    run.statuses["transport error"] += 1
                    conn.close()
                    conn = Connection(host, port, token)
                    continue
                run.latencies.append(time.perf_counter() - started)
                run.statuses[status] += 1
                if status in (201, 202):
                    run.created.append(answer["transaccion_id"])
        finally:
            conn.close()

    cpu_before = group_cpu_seconds(settings)
    started = time.monotonic()
    stop = started + seconds
    await asyncio.gather(*(client(i, stop) for i in range(run.concurrency)))
    run.seconds = time.monotonic() - started
    cpu_after = group_cpu_seconds(settings)
    run.cpu = {k: cpu_after.get(k, 0.0) - v for k, v in cpu_before.items()}


def measure(settings, ledger, col, run: Run, count: int, saldo: str, monto_range, seconds):
    opening = {ledger.open_account(saldo=saldo): Decimal(saldo) for _ in range(count)}
    asyncio.run(load(settings, run, list(opening), monto_range, seconds))
    docs = wait_settled(col, run.created, timeout=120)
    run.estados = Counter(d["estado"] for d in docs)
    run.problems = audit(ledger, col, list(opening), opening).problems
    total = sum(ledger.balances(list(opening)).values())
    if total != sum(opening.values()):
        run.problems.append(f"money not conserved: {total} != {sum(opening.values())}")


def report(runs: list[Run]) -> None:
    print()
    print(
        f"{'run':<12} {'clients':>7} {'secs':>5} {'requests':>8} {'committed':>9} "
        f"{'rejected':>8} {'pending':>7} {'5xx/err':>7} {'tx/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7}  invariants"
    )
    for r in runs:
        errors = sum(n for s, n in r.statuses.items() if not isinstance(s, int) or s >= 500)
        committed = r.estados["COMPLETADA"]
        print(
            f"{r.name:<12} {r.concurrency:>7} {r.seconds:>5.1f} {len(r.latencies):>8} "
            f"{committed:>9} {r.estados['RECHAZADA']:>8} {r.statuses[202]:>7} {errors:>7} "
            f"{committed / r.seconds:>7.1f} {r.pct(50):>7.1f} {r.pct(95):>7.1f} "
            f"{r.pct(99):>7.1f}  {'ok' if not r.problems else f'{len(r.problems)} VIOLATIONS'}"
        )
    print()
    names = sorted({k for r in runs for k in r.cpu})
    print("CPU ms per committed transaction, by server process group:")
    print(f"{'run':<12} " + " ".join(f"{n:>13}" for n in names) + f" {'total':>8}")
    for r in runs:
        committed = max(1, r.estados["COMPLETADA"])
        values = [r.cpu.get(n, 0.0) * 1000 / committed for n in names]
        print(f"{r.name:<12} " + " ".join(f"{v:>13.2f}" for v in values) + f" {sum(values):>8.2f}")
    for r in runs:
        for problem in r.problems[:10]:
            print(f"  {r.name}: {problem}")


def backends_up(haproxy: HAProxy) -> bool:
    try:
        return set(haproxy.backends().values()) == {"UP"}
    except (OSError, httpx.HTTPError):
        return False


def run_all(settings: Settings, args) -> list[Run]:
    ledger, col = Ledger(settings), mongo_collection(settings)
    runs = []
    for concurrency in args.concurrency:
        run = Run("throughput", concurrency)
        print(f"throughput, {concurrency} clients, {args.seconds:.0f}s ...", flush=True)
        measure(settings, ledger, col, run, args.accounts, "1000000.00", (1, 10000), args.seconds)
        runs.append(run)
    if args.soak:
        run = Run("hot soak", 32)
        print(f"soak, 32 clients over {args.hot} hot accounts, {args.soak:.0f}s ...", flush=True)
        measure(settings, ledger, col, run, args.hot, "500.00", (1, 15000), args.soak)
        runs.append(run)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--soak", type=float, default=30, help="seconds of the hot soak (0: skip)")
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--hot", type=int, default=10)
    args = parser.parse_args()

    offset = int(os.environ.get("CLOUDBANK_BENCH_PORT_OFFSET", "800"))
    with throwaway_stack(offset) as stack:
        stack.up(NEEDED)
        settings = stack.settings
        haproxy = HAProxy(settings)
        if not wait_until(lambda: backends_up(haproxy), timeout=30):
            sys.exit("the cuentas instances are not UP in HAProxy after 30 s")
        runs = run_all(settings, args)
    report(runs)
    return 1 if any(r.problems for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
