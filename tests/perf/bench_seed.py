"""Benchmark of ``cloudbank seed``: generation and bulk load per table, in rows/s.

    python tests/perf/bench_seed.py [--scale 1] [--repeat 3] [--offset 800]

Runs on a throwaway stack (temporary var dir, its own port offset: the databases of
``cloudbank up`` are not touched): starts the seed's stores, applies the migrations, generates
the dataset once, then loads it ``--repeat`` times with ``--reset``. Prints, per table, the
median and best wall seconds and rows/s; then the CPU seconds each load took, on the client
(this process) and in each database server (its whole process tree), which do not depend on
what else the machine is running. Target: clientes + cuentas (PostgreSQL + MariaDB) under
20 s at scale 1 on a 2-core machine. MongoDB is reported on its own (nx-27017 is slow).
Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from benchkit import throwaway_stack  # noqa: E402

from infra.local.process import StackError  # noqa: E402
from infra.local.stack import Stack  # noqa: E402
from seed.command import STORES, run, run_migrations  # noqa: E402
from seed.config import SeedConfig  # noqa: E402
from seed.dataset import Dataset, generate  # noqa: E402
from seed.load import LoadError, TableStat  # noqa: E402

TARGET_SQL_SECONDS = 20.0
AS_OF = date(2025, 6, 1)
SERVERS = ("postgres", "mariadb", "mongo")
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used by ``root`` and its descendants, including exited children it reaped
    (PostgreSQL backends come and go with connections)."""
    parent_of: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parent_of[int(entry.name)] = int(fields[1])
    total = 0.0
    for pid in parent_of:
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parent_of:
            ancestor = parent_of[ancestor]
        if ancestor == root and (fields := _stat(pid)):
            # utime + stime, and cutime + cstime: children it reaped (counted nowhere else)
            total += sum(int(f) for f in fields[11:15]) / TICKS
    return total


def seed_rounds(
    stack: Stack, dataset: Dataset, repeat: int
) -> tuple[list[list[TableStat]], list[dict[str, float]]]:
    pids = {c.name: stack.pid_file(c).live_pid() for c in stack.components}
    rounds, cpu = [], []
    for n in range(repeat):
        servers_before = {s: tree_cpu_seconds(pids[s]) for s in SERVERS}
        client_before = time.process_time()
        stats = run(
            stack.settings,
            dataset.config,
            reset=True,
            start=False,
            migrate=False,
            show_progress=False,
            echo=lambda line: None,
            dataset=dataset,
        )
        used = {"client (this process)": time.process_time() - client_before}
        used |= {f"{s} server": tree_cpu_seconds(pids[s]) - servers_before[s] for s in SERVERS}
        stats = [s for s in stats if s.store != "python"]
        sql = sum(s.seconds for s in stats if s.store in ("postgres", "mariadb"))
        print(f"round {n + 1}/{repeat}: clientes + cuentas {sql:.2f}s", file=sys.stderr)
        rounds.append(stats)
        cpu.append(used)
    return rounds, cpu


def report(rounds: list[list[TableStat]], cpu: list[dict[str, float]], config: SeedConfig) -> bool:
    names = [(s.store, s.table) for s in rounds[0]]
    rows = {(s.store, s.table): s.rows for s in rounds[0]}

    def seconds(key: tuple[str, str]) -> list[float]:
        return [next(s.seconds for s in r if (s.store, s.table) == key) for r in rounds]

    print(f"\ncloudbank seed --scale {config.scale:g}: load, median and best of {len(rounds)}")
    print(f"{'store':<9} {'table':<26} {'rows':>9} {'median s':>9} {'best s':>7} {'rows/s':>10}")
    for key in names:
        times = seconds(key)
        median = statistics.median(times)
        print(
            f"{key[0]:<9} {key[1]:<26} {rows[key]:>9,} {median:>9.2f} {min(times):>7.2f}"
            f" {rows[key] / median:>10,.0f}"
        )
    ok = True
    for label, stores in (
        ("clientes + cuentas", ("postgres", "mariadb")),
        ("transacciones", ("mongo",)),
        ("all stores", ("postgres", "mariadb", "mongo")),
    ):
        n = sum(rows[k] for k in names if k[0] in stores and not k[1].endswith("(indexes)"))
        times = [sum(s.seconds for s in r if s.store in stores) for r in rounds]
        median = statistics.median(times)
        print(
            f"{'total':<9} {label:<26} {n:>9,} {median:>9.2f} {min(times):>7.2f}"
            f" {n / median:>10,.0f}"
        )
        if label == "clientes + cuentas":
            ok = median < TARGET_SQL_SECONDS * config.scale

    print(f"\nCPU seconds per load (median of {len(cpu)})")
    for what in cpu[0]:
        print(f"  {what:<24} {statistics.median(c[what] for c in cpu):>7.2f}")
    verdict = "meets" if ok else "MISSES"
    load = os.getloadavg()[0]
    print(
        f"clientes + cuentas {verdict} the target of {TARGET_SQL_SECONDS:.0f}s per scale unit "
        f"(load average now {load:.1f} on {os.cpu_count()} CPUs)"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="seed scale (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--offset", type=int, default=800, help="port offset (default 800)")
    args = parser.parse_args()

    config = SeedConfig(as_of=AS_OF, scale=args.scale)
    wall, cpu_before = time.perf_counter(), time.process_time()
    dataset = generate(config)
    print(
        f"generate: {sum(len(t) for t in dataset.tables().values()):,} rows in "
        f"{time.perf_counter() - wall:.2f}s ({time.process_time() - cpu_before:.2f} CPU s)"
    )

    try:
        with throwaway_stack(args.offset, prefix="cloudbank-bench-seed-") as stack:
            stack.up(STORES)
            run_migrations(stack.settings)
            rounds, cpu = seed_rounds(stack, dataset, args.repeat)
    except (StackError, LoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0 if report(rounds, cpu, config) else 1


if __name__ == "__main__":
    sys.exit(main())
