"""Benchmark of GET /api/clientes/{id}/perfil-completo: cold (cache entry deleted before each
request) versus cached, at 32 concurrent clients. Not collected by pytest.

Runs against the stack of the current settings (CLOUDBANK_PORT_OFFSET / CLOUDBANK_VAR_DIR),
starting whatever is not running. It creates its own clients once (two accounts and three
transactions each, through the real APIs) and remembers their ids under var/bench/.

- cold: an asyncio load generator; before each request it deletes that client's cache entry,
  so every request assembles the profile from clientes, cuentas (HAProxy) and transacciones.
  The deletion is outside the timed span.
- cached: wrk (C, so the load generator does not eat the CPU being measured), all clients
  warmed first; the Lua script counts responses that were not cache hits.

Targets (issue "Operational services II"): p99 <= 60 ms cold, <= 5 ms cached.

    python tests/perf/bench_perfil360.py [--clients 300] [--seconds 10] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import string
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import redis.asyncio as aioredis

from infra.local.stack import Stack
from services.common.auth import Role, issue_token
from services.common.settings import Settings, get_settings
from services.perfil360.cache import profile_key

TOKEN = issue_token("bench", Role.ADMIN, ttl_minutes=120)
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


# --- CPU accounting (independent of what else runs on the machine) ------------------------
SERVING = ("postgres", "mariadb", "mongo", "redis", "haproxy", "clientes", "transacciones")


def _descendants(roots: list[int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of ``pids`` and all their descendants (uvicorn workers, ...)."""
    total = 0
    for pid in _descendants(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by perfil360 and by everything serving it, between start() and stop()."""

    def __init__(self, s: Settings):
        stack = Stack(s)
        pid = {c.name: stack.pid_file(c).live_pid() for c in stack.components}
        self.perfil = [p for n, p in pid.items() if n == "perfil360" and p]
        self.others = [p for n, p in pid.items() if p and (n in SERVING or n.startswith("cuentas"))]

    def start(self) -> None:
        self.before = (cpu_seconds(self.perfil), cpu_seconds(self.others))

    def stop(self, requests: int) -> dict:
        perfil = cpu_seconds(self.perfil) - self.before[0]
        others = cpu_seconds(self.others) - self.before[1]
        n = max(requests, 1)
        return {
            "perfil360 CPU ms/req": perfil * 1000 / n,
            "stack CPU ms/req": (perfil + others) * 1000 / n,
        }


# --- data ----------------------------------------------------------------------------------
async def _create_one(s: Settings, clients: dict[str, httpx.AsyncClient]) -> int:
    tag = "".join(random.choices(string.ascii_lowercase, k=10))  # names take letters only
    r = await clients["clientes"].post(
        "/clientes",
        json={
            "nombre": "Bench",
            "apellido": f"Perfil {tag}",
            "email": f"bench.{tag}@example.com",
            "documento": {
                "tipo_documento": "DNI",
                "numero_documento": str(random.randrange(10**7, 10**8)),
            },
        },
    )
    if r.status_code == 409:  # document number or e-mail taken: try another
        return await _create_one(s, clients)
    r.raise_for_status()
    cliente_id = r.json()["cliente_id"]

    async def cuenta(moneda: str, saldo: str) -> int:
        r = await clients["cuentas"].post(
            "/cuentas",
            json={
                "cliente_id": cliente_id,
                "tipo_cuenta_id": 2,
                "moneda": moneda,
                "saldo_inicial": saldo,
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        r.raise_for_status()
        return r.json()["cuenta_id"]

    pen_a, pen_b = await cuenta("PEN", "1000.00"), await cuenta("PEN", "0.00")
    for body in (
        {"tipo": "DEPOSITO", "cuenta_destino_id": pen_a, "monto": "25.00", "moneda": "PEN"},
        {
            "tipo": "TRANSFERENCIA",
            "cuenta_origen_id": pen_a,
            "cuenta_destino_id": pen_b,
            "monto": "100.00",
            "moneda": "PEN",
        },
        {"tipo": "RETIRO", "cuenta_origen_id": pen_b, "monto": "10.00", "moneda": "PEN"},
    ):
        r = await clients["transacciones"].post(
            "/transacciones", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        r.raise_for_status()
    return cliente_id


async def ensure_clients(s: Settings, count: int) -> list[int]:
    path = s.var_dir / "bench" / "perfil360_clients.json"
    known: list[int] = json.loads(path.read_text()) if path.exists() else []
    async with httpx.AsyncClient(
        base_url=s.service_url(s.perfil360_port), headers=HEADERS, timeout=10
    ) as perfil:
        if (
            known
            and (await perfil.get(f"/api/clientes/{known[0]}/perfil-completo")).status_code != 200
        ):
            known = []  # a reset stack: start over
    missing = count - len(known)
    if missing > 0:
        print(f"creating {missing} clients with accounts and transactions ...", flush=True)
        clients = {
            name: httpx.AsyncClient(
                base_url=s.service_url(getattr(s, f"{name}_port")), headers=HEADERS, timeout=30
            )
            for name in ("clientes", "cuentas", "transacciones")
        }
        limit = asyncio.Semaphore(8)

        async def one(_: int) -> int:
            async with limit:
                return await _create_one(s, clients)

        try:
            known += await asyncio.gather(*(one(i) for i in range(missing)))
        finally:
            for c in clients.values():
                await c.aclose()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known))
    return known[:count]


# --- cold ----------------------------------------------------------------------------------
async def run_cold(s: Settings, ids: list[int], seconds: float, concurrency: int) -> dict:
    redis = aioredis.Redis.from_url(s.redis_url)
    latencies: list[float] = []
    errors = partial = not_miss = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=s.service_url(s.perfil360_port), headers=HEADERS, timeout=10, limits=limits
    ) as client:

        async def worker(w: int) -> None:
            nonlocal errors, partial, not_miss
            i = w
            while time.monotonic() < deadline:
                cliente_id = ids[i % len(ids)]
                i += concurrency
                await redis.delete(profile_key(cliente_id))
                started = time.perf_counter()
                r = await client.get(f"/api/clientes/{cliente_id}/perfil-completo")
                latencies.append(time.perf_counter() - started)
                if r.status_code != 200:
                    errors += 1
                elif r.json()["parcial"]:
                    partial += 1
                if r.headers.get("X-Cache") != "miss":
                    not_miss += 1

        meter = CpuMeter(s)
        meter.start()
        started = time.monotonic()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.monotonic() - started
        cpu = meter.stop(len(latencies))
    await redis.aclose()
    return _row("cold (loader: httpx)", latencies, elapsed, errors, partial, not_miss) | cpu


def _row(name, latencies, elapsed, errors, partial, other) -> dict:
    ms = sorted(x * 1000 for x in latencies)
    return {
        "mode": name,
        "requests": len(ms),
        "req/s": len(ms) / elapsed,
        "p50 ms": statistics.median(ms),
        "p99 ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "max ms": ms[-1],
        "errors": errors,
        "partial": partial,
        "unexpected X-Cache": other,
    }


# --- cached (wrk) --------------------------------------------------------------------------
WRK_SCRIPT = """
local ids = {%(ids)s}
local i = 0
not_hit = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) i = math.random(#ids) end
request = function()
  i = (i %% #ids) + 1
  return wrk.format("GET", "/api/clientes/" .. ids[i] .. "/perfil-completo",
                    {["Authorization"] = "Bearer %(token)s"})
end
response = function(status, headers, body)
  if status ~= 200 or (headers["x-cache"] or headers["X-Cache"]) ~= "hit" then not_hit = not_hit + 1 end
end
done = function(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not_hit") end
  io.write(string.format("RESULT %%d %%f %%f %%f %%f %%d\\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.duration / 1e6, bad))
end
"""


async def warm(s: Settings, ids: list[int]) -> None:
    async with httpx.AsyncClient(
        base_url=s.service_url(s.perfil360_port), headers=HEADERS, timeout=10
    ) as client:
        for _ in range(2):  # both workers' first request may miss
            for cliente_id in ids:
                await client.get(f"/api/clientes/{cliente_id}/perfil-completo")


def run_cached(s: Settings, ids: list[int], seconds: float, concurrency: int) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    script = WRK_SCRIPT % {"ids": ",".join(map(str, ids)), "token": TOKEN}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    meter = CpuMeter(s)
    meter.start()
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "-s",
            f.name,
            s.service_url(s.perfil360_port),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(f.name).unlink()
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, p50, p99, worst, duration, not_hit = line.split()[1:]
    cpu = meter.stop(int(requests))
    return {
        "mode": "cached (loader: wrk)",
        "requests": int(requests),
        "req/s": int(requests) / float(duration),
        "p50 ms": float(p50),
        "p99 ms": float(p99),
        "max ms": float(worst),
        "errors": 0,
        "partial": 0,
        "unexpected X-Cache": int(not_hit),
    } | cpu


def print_table(rows: list[dict]) -> None:
    cols = list(rows[0])
    print(" | ".join(f"{c:>20}" if i == 0 else f"{c:>10}" for i, c in enumerate(cols)))
    for row in rows:
        cells = []
        for i, c in enumerate(cols):
            v = row[c]
            text = f"{v:.1f}" if isinstance(v, float) else str(v)
            cells.append(f"{text:>20}" if i == 0 else f"{text:>10}")
        print(" | ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    s = get_settings()
    stack = Stack(s)
    needed = ("postgres", "mariadb", "mongo", "redis", "haproxy", "clientes", "transacciones")
    stack.up(
        [c.name for c in stack.components if c.name in needed or c.name.startswith("cuentas")]
        + ["perfil360"]
    )
    ids = asyncio.run(ensure_clients(s, args.clients))
    cold = asyncio.run(run_cold(s, ids, args.seconds, args.concurrency))
    asyncio.run(warm(s, ids))
    cached = run_cached(s, ids, int(args.seconds), args.concurrency)
    print(
        f"\nperfil-completo, {args.concurrency} concurrent clients, {len(ids)} distinct "
        f"clients, {args.seconds:.0f} s each; targets p99 <= 60 ms cold, <= 5 ms cached"
    )
    print_table([cold, cached])
    one, five, fifteen = os.getloadavg()
    print(f"load average at the end: {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
