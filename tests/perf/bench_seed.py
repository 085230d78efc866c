"""Benchmark of ``cloudbank seed``: generation and bulk load per table, in rows/s.

    python tests/perf/bench_seed.py [--scale 1] [--repeat 3] [--offset 800]

Runs on a throwaway stack (temporary var dir, its own port offset: the databases of
``cloudbank up`` are not touched): starts PostgreSQL, MariaDB and MongoDB, applies the
migrations, then seeds ``--repeat`` times with ``--reset``. Prints the median and best seconds
and rows/s per table; the target is clientes + cuentas (PostgreSQL + MariaDB) under 20 s at
scale 1. MongoDB is reported on its own line (nx-27017 inserts about 11k documents/s).
Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from infra.local.process import StackError  # noqa: E402
from infra.local.stack import Stack  # noqa: E402
from seed.command import STORES, run, run_migrations  # noqa: E402
from seed.config import SeedConfig  # noqa: E402
from seed.load import LoadError, TableStat  # noqa: E402
from services.common.settings import Settings  # noqa: E402

TARGET_SQL_SECONDS = 20.0
AS_OF = date(2025, 6, 1)


def seed_rounds(settings: Settings, config: SeedConfig, repeat: int) -> list[list[TableStat]]:
    rounds = []
    for n in range(repeat):
        stats = run(
            settings,
            config,
            reset=True,
            start=False,
            migrate=False,
            show_progress=False,
            echo=lambda line: print(line, file=sys.stderr),
        )
        sql = sum(s.seconds for s in stats if s.store in ("postgres", "mariadb"))
        print(f"round {n + 1}/{repeat}: clientes + cuentas {sql:.2f}s", file=sys.stderr)
        rounds.append(stats)
    return rounds


def report(rounds: list[list[TableStat]], config: SeedConfig) -> bool:
    names = [(s.store, s.table) for s in rounds[0]]

    def seconds(store: str, table: str) -> list[float]:
        return [next(s.seconds for s in r if (s.store, s.table) == (store, table)) for r in rounds]

    rows = {(s.store, s.table): s.rows for s in rounds[0]}
    print(f"\ncloudbank seed --scale {config.scale:g}: median and best of {len(rounds)}")
    print(f"{'store':<9} {'table':<26} {'rows':>9} {'median s':>9} {'best s':>7} {'rows/s':>10}")
    for store, table in names:
        times = seconds(store, table)
        median = statistics.median(times)
        print(
            f"{store:<9} {table:<26} {rows[store, table]:>9,} {median:>9.2f} {min(times):>7.2f}"
            f" {rows[store, table] / median:>10,.0f}"
        )

    def total(stores: tuple[str, ...]) -> tuple[int, list[float]]:
        group = [(s, t) for s, t in names if s in stores]
        n = sum(rows[k] for k in group if not k[1].endswith("(indexes)"))
        return n, [sum(s.seconds for s in r if s.store in stores) for r in rounds]

    ok = True
    for label, stores in (
        ("clientes + cuentas", ("postgres", "mariadb")),
        ("transacciones", ("mongo",)),
        ("all stores", ("postgres", "mariadb", "mongo")),
    ):
        n, times = total(stores)
        median = statistics.median(times)
        print(
            f"{'total':<9} {label:<26} {n:>9,} {median:>9.2f} {min(times):>7.2f}"
            f" {n / median:>10,.0f}"
        )
        if stores == ("postgres", "mariadb"):
            ok = median < TARGET_SQL_SECONDS * config.scale
    verdict = "meets" if ok else "MISSES"
    print(f"clientes + cuentas {verdict} the target of {TARGET_SQL_SECONDS:.0f}s per scale unit")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="seed scale (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--offset", type=int, default=800, help="port offset (default 800)")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="cloudbank-bench-seed-"))
    var_dir.chmod(0o755)  # PostgreSQL runs as the postgres user when we are root
    settings = Settings(_env_file=None, var_dir=var_dir, port_offset=args.offset)
    stack = Stack(settings)
    try:
        stack.up(STORES)
        run_migrations(settings)
        config = SeedConfig(as_of=AS_OF, scale=args.scale)
        rounds = seed_rounds(settings, config, args.repeat)
    except (StackError, LoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.down(STORES)
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if report(rounds, config) else 1


if __name__ == "__main__":
    sys.exit(main())
