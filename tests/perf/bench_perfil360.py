"""Benchmark of GET /api/clientes/{id}/perfil-completo, cold and cached, over a sweep of
concurrent connections. Not collected by pytest.

    python tests/perf/bench_perfil360.py [--concurrency 1,8,32] [--seconds 10] [--clients 300]
                                         [--mode cold,cached]

Runs against the stack of the current settings (CLOUDBANK_PORT_OFFSET / CLOUDBANK_VAR_DIR),
starting whatever is not running. It creates its own clients once (two accounts and three
transactions each, through the real APIs) and remembers their ids under var/bench/.

The load generator is wrk (C: about 0.2 ms of CPU per request, so it hardly competes for the
cores it measures, as a Python generator on the same machine does), rotating over the clients:

- cold: every request carries ``Cache-Control: no-cache``, so perfil360 assembles the profile
  from clientes, cuentas (HAProxy) and transacciones and refreshes its cache entry;
- cached: every client warmed first; every request should be a hit.

Each row gives req/s, p50/p99/max latency, errors (socket errors and non-200 answers), answers
that were partial or had an unexpected X-Cache, and the CPU milliseconds per request of
perfil360's workers, of the whole serving stack (perfil360, clientes, cuentas, transacciones,
HAProxy, the databases, Redis) and of wrk. CPU per request is what the code costs; latency
also measures whatever else runs on the machine. With N connections kept busy, a request takes
about N / (req/s) on average (Little's law): a p99 of 60 ms at 32 connections needs well over
530 profiles/s, and 5 ms at 32 connections over 6,400 hits/s.

Targets (issue "Operational services II"): p99 <= 60 ms cold, <= 5 ms cached.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import string
import uuid
from pathlib import Path

import httpx
from benchkit import run_wrk

from infra.local.stack import Stack
from services.common.auth import Role, issue_token
from services.common.settings import Settings, get_settings

TOKEN = issue_token("bench", Role.ADMIN, ttl_minutes=120)
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
NEEDED = ("postgres", "mariadb", "mongo", "redis", "haproxy", "clientes", "transacciones")


# --- CPU accounting (independent of what else runs on the machine) ------------------------
SERVING = NEEDED


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
        self.before = (cpu_seconds(self.perfil), cpu_seconds(self.others), _children_cpu())

    def stop(self, requests: int) -> dict:
        perfil = cpu_seconds(self.perfil) - self.before[0]
        others = cpu_seconds(self.others) - self.before[1]
        loader = _children_cpu() - self.before[2]
        n = max(requests, 1)
        return {
            "perfil360 CPU ms/req": perfil * 1000 / n,
            "stack CPU ms/req": (perfil + others) * 1000 / n,
            "wrk CPU ms/req": loader * 1000 / n,
        }


def _children_cpu() -> float:
    """CPU of this process's finished children (the wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


# --- load (wrk) ---------------------------------------------------------------------------
WRK_SCRIPT = """
local ids = {%(ids)s}
local i = 0
local headers = {["Authorization"] = "Bearer %(token)s"%(extra)s}
local want = "%(want)s"
bad_status, bad_cache, partial = 0, 0, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) i = math.random(#ids) end
request = function()
  i = (i %% #ids) + 1
  return wrk.format("GET", "/api/clientes/" .. ids[i] .. "/perfil-completo", headers)
end
response = function(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  else
    if (headers["x-cache"] or headers["X-Cache"]) ~= want then bad_cache = bad_cache + 1 end
    if string.find(body, '"parcial":true', 1, true) then partial = partial + 1 end
  end
end
done = function(summary, latency, requests)
  local s, c, p = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("bad_status"); c = c + t:get("bad_cache"); p = p + t:get("partial")
  end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%f %%f %%f %%f %%d %%d %%d\\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.duration / 1e6, s + e.connect + e.read + e.write + e.timeout, c, p))
end
"""


def measure(s: Settings, ids: list[int], mode: str, seconds: int, concurrency: int) -> dict:
    """One wrk run; ``mode`` is "cold" (Cache-Control: no-cache) or "cached"."""
    cold = mode == "cold"
    script = WRK_SCRIPT % {
        "ids": ",".join(map(str, ids)),
        "token": TOKEN,
        "extra": ', ["Cache-Control"] = "no-cache"' if cold else "",
        "want": "miss" if cold else "hit",
    }
    meter = CpuMeter(s)
    meter.start()
    out = run_wrk(s.service_url(s.perfil360_port), script, seconds, concurrency)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, p50, p99, worst, duration, errors, bad_cache, partial = line.split()[1:]
    return {
        "mode": mode,
        "conns": concurrency,
        "requests": int(requests),
        "req/s": int(requests) / float(duration),
        "p50 ms": float(p50),
        "p99 ms": float(p99),
        "max ms": float(worst),
        "errors": int(errors),
        "partial": int(partial),
        "bad X-Cache": int(bad_cache),
    } | meter.stop(int(requests))


async def warm(s: Settings, ids: list[int]) -> None:
    async with httpx.AsyncClient(
        base_url=s.service_url(s.perfil360_port), headers=HEADERS, timeout=10
    ) as client:
        for cliente_id in ids:
            await client.get(f"/api/clientes/{cliente_id}/perfil-completo")


def print_table(rows: list[dict]) -> None:
    cols = list(rows[0])
    cells = [[f"{r[c]:,.1f}" if isinstance(r[c], float) else str(r[c]) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    print(" | ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in cells:
        print(" | ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def _int_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive integers")
    return values


def _modes(text: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    if not values or set(values) - {"cold", "cached"}:
        raise argparse.ArgumentTypeError('"cold", "cached" or "cold,cached"')
    return values


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Benchmark perfil-completo (cold and cached) over a sweep of concurrent "
        "connections with wrk; prints req/s, p50/p99, errors and CPU ms per request.",
        epilog="Uses the stack of CLOUDBANK_PORT_OFFSET / CLOUDBANK_VAR_DIR, starting what it "
        "needs. Requires wrk (apt-get install wrk).",
    )
    parser.add_argument(
        "--concurrency",
        type=_int_list,
        default=[1, 8, 32],
        metavar="N,N,...",
        help="concurrent connections, one run per value (default: 1,8,32)",
    )
    parser.add_argument(
        "--seconds", type=int, default=10, help="duration of each run (default: 10)"
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=300,
        help="distinct clients the requests rotate over (created once; default: 300)",
    )
    parser.add_argument(
        "--mode",
        type=_modes,
        default=["cold", "cached"],
        metavar="cold,cached",
        help="cold: Cache-Control: no-cache, every profile assembled; cached: every request "
        "a hit (default: both)",
    )
    args = parser.parse_args()
    s = get_settings()
    stack = Stack(s)
    stack.up(
        [c.name for c in stack.components if c.name in NEEDED or c.name.startswith("cuentas")]
        + ["perfil360"]
    )
    ids = asyncio.run(ensure_clients(s, args.clients))
    load_before = os.getloadavg()[0]
    rows = []
    for mode in args.mode:
        if mode == "cached":
            asyncio.run(warm(s, ids))
        rows += [measure(s, ids, mode, args.seconds, c) for c in args.concurrency]
    print(
        f"\nperfil-completo, {len(ids)} distinct clients, {args.seconds} s per run, loader wrk; "
        "targets p99 <= 60 ms cold, <= 5 ms cached"
    )
    print_table(rows)
    print(
        f"load average (1 min) before {load_before:.1f}, after {os.getloadavg()[0]:.1f}, "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
