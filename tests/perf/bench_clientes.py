"""Benchmark of the clientes service: GET by id and a page of 50, at 32 concurrent clients.

    python tests/perf/bench_clientes.py [--duration 10] [--connections 32] [--rows 5000]

It measures the service already running (``cloudbank up clientes``, with the same CLOUDBANK_*
environment); it starts nothing. When the database has fewer than ``--rows`` clients it adds
synthetic ones first (SQL, in one statement). The load generator is wrk. Prints: endpoint, req/s, p50, p99, errors, and the CPU time the
clientes workers and their PostgreSQL backends spent per request (a figure other load on a
shared machine does not distort the way it distorts latency).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from benchkit import wrk_get  # noqa: E402

from services.common.auth import Role, issue_token  # noqa: E402
from services.common.settings import get_settings  # noqa: E402

BENCH_ROWS_SQL = """
WITH nuevos AS (
    INSERT INTO clientes (nombre, apellido, email, telefono, estado)
    SELECT 'Bench', 'Cliente ' || g, 'bench.cliente' || g || '@cloudbank.pe',
           '+51 9' || lpad((g %% 100000000)::text, 8, '0'),
           (ARRAY['activo', 'activo', 'activo', 'inactivo', 'bloqueado'])[1 + g %% 5]
    FROM generate_series(%(start)s::int, %(stop)s::int) AS g
    ON CONFLICT DO NOTHING
    RETURNING cliente_id, email
)
INSERT INTO documentos_identidad (cliente_id, tipo_documento, numero_documento,
                                  fecha_emision, fecha_vencimiento)
SELECT cliente_id, 'Pasaporte', 'BN' || lpad(substring(email from '[0-9]+'), 8, '0'),
       DATE '2020-01-01', DATE '2030-01-01'
FROM nuevos
ON CONFLICT DO NOTHING
"""


@dataclass
class Result:
    name: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    app_cpu_ms: float | None = None
    db_cpu_ms: float | None = None


def _tree_cpu_seconds(pid_file: Path) -> float | None:
    """User + system CPU of a process's children (uvicorn workers, PostgreSQL backends)."""
    try:
        parent = int(pid_file.read_text().split()[0])
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return None
    ticks = 0
    for child in children:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(run_dir: Path, run, *args) -> Result:
    """``run(*args)`` with the CPU per request of the service and of its database."""
    files = (run_dir / "clientes.pid", run_dir / "postgres.pid")
    before = [_tree_cpu_seconds(f) for f in files]
    result = run(*args)
    after = [_tree_cpu_seconds(f) for f in files]
    per_request = [
        (b - a) * 1000 / result.requests if a is not None and b is not None else None
        for a, b in zip(before, after, strict=True)
    ]
    result.app_cpu_ms, result.db_cpu_ms = per_request
    return result


def ensure_rows(dsn: str, rows: int) -> list[int]:
    """At least ``rows`` clients (adding synthetic ones if needed); returns a sample of ids."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM clientes").fetchone()[0]
        if have < rows:
            start = conn.execute("SELECT coalesce(max(cliente_id), 0) + 1 FROM clientes").fetchone()
            print(f"adding {rows - have} synthetic clients ...", flush=True)
            conn.execute(BENCH_ROWS_SQL, {"start": start[0], "stop": start[0] + rows - have - 1})
            conn.execute("ANALYZE clientes; ANALYZE documentos_identidad")
        ids = [
            r[0]
            for r in conn.execute("SELECT cliente_id FROM clientes ORDER BY random() LIMIT 5000")
        ]
        total = conn.execute("SELECT count(*) FROM clientes").fetchone()[0]
    print(f"{total} clients in the database", flush=True)
    return ids


def run(base: str, name: str, paths: list[str], token: str, duration: int, conns: int) -> Result:
    r = wrk_get(base, paths, {"Authorization": f"Bearer {token}"}, duration, conns)
    return Result(name, r.rps, r.p50_ms, r.p99_ms, r.errors, r.requests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=32, help="concurrent clients")
    parser.add_argument("--rows", type=int, default=5000, help="minimum clients in the database")
    args = parser.parse_args()

    settings = get_settings()
    base = settings.service_url(settings.clientes_port)
    try:
        httpx.get(f"{base}/health/ready", timeout=2).raise_for_status()
    except httpx.HTTPError as exc:
        print(
            f"clientes is not answering at {base} ({type(exc).__name__}).\n"
            "Start it first, with the same CLOUDBANK_* environment: cloudbank up clientes",
            file=sys.stderr,
        )
        return 2
    ids = ensure_rows(settings.postgres_dsn, args.rows)
    token = issue_token("bench", Role.ADMIN, settings)
    print(f"load generator: wrk; {args.connections} connections, {args.duration}s per endpoint")
    rng = random.Random(42)
    pages = max(len(ids) // 50 - 1, 0)
    endpoints = [
        ("GET /clientes/{id}", [f"/clientes/{rng.choice(ids)}" for _ in range(2000)]),
        (
            "GET /clientes?limit=50",
            [f"/clientes?limit=50&offset={50 * rng.randint(0, pages)}" for _ in range(200)],
        ),
    ]
    results = []
    load_before = os.getloadavg()[0]
    for name, paths in endpoints:
        run(base, name, paths, token, 2, args.connections)  # warm-up
        results.append(
            measured(
                settings.run_dir,
                run,
                base,
                name,
                paths,
                token,
                args.duration,
                args.connections,
            )
        )

    def cpu(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    print(
        f"\nload average: {load_before:.1f} when the runs began, {os.getloadavg()[0]:.1f} at the "
        f"end, on {os.cpu_count()} CPUs"
    )
    print(
        f"| {'endpoint':<24} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} "
        f"| {'app CPU ms/req':>14} | {'db CPU ms/req':>13} |"
    )
    print(f"|{'-' * 26}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 16}|{'-' * 15}|")
    for r in results:
        print(
            f"| {r.name:<24} | {r.requests_per_s:>8.0f} | {r.p50_ms:>7.2f} | {r.p99_ms:>7.2f} "
            f"| {r.errors:>6} | {cpu(r.app_cpu_ms):>14} | {cpu(r.db_cpu_ms):>13} |"
        )
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
