"""``cloudbank seed``: generate the dataset and bulk-load it into the three stores.

Steps: start the stores (if not running), apply the services' migrations, refuse if the stores
already hold data (unless ``reset``), generate, empty the seeded tables (``reset``), load,
purge perfil360's profile cache, report rows and rows/s per table.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Callable

from seed.config import SeedConfig
from seed.dataset import Dataset, generate
from seed.load import LoadError, TableStat
from seed.load import mariadb as mariadb_loader
from seed.load import mongo as mongo_loader
from seed.load import postgres as postgres_loader
from services.common.settings import REPO_ROOT, Settings

#: the stores to start: the three loaded, and Redis, whose profile cache a load makes stale
STORES = ("postgres", "mariadb", "mongo", "redis")
MIGRATIONS = ("services.clientes.migrate", "services.cuentas.migrate")


class SeedRefused(RuntimeError):
    """The stores already hold data and no reset was asked for."""


def start_stores(settings: Settings) -> dict[str, float]:
    """Start the three databases unless they are running (idempotent)."""
    from infra.local.stack import Stack

    return Stack(settings).up(STORES)


def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its package is missing
        return False


def run_migrations(settings: Settings) -> list[str]:
    """Apply each service's migrations that exists in this checkout; returns those applied."""
    applied = []
    for module in MIGRATIONS:
        if not module_exists(module):
            continue
        result = subprocess.run(
            [sys.executable, "-m", module],
            cwd=REPO_ROOT,
            env=_child_env(settings),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise LoadError(f"{module} failed:\n{result.stderr[-3000:]}")
        applied.append(module)
    return applied


def purge_profile_cache(settings: Settings) -> int | None:
    """Delete perfil360's cache (profiles and account ownership): after a load they describe
    other data. Returns the keys deleted, or None if Redis is unreachable."""
    import redis

    from services.perfil360.config import KEY_PREFIX

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    try:
        keys = list(client.scan_iter(match=f"{KEY_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)
        return len(keys)
    except redis.RedisError:
        return None
    finally:
        client.close()


def _child_env(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env["CLOUDBANK_VAR_DIR"] = str(settings.var_dir)
    env["CLOUDBANK_PORT_OFFSET"] = str(settings.port_offset)
    return env


def run(
    settings: Settings,
    config: SeedConfig,
    *,
    reset: bool = False,
    if_empty: bool = False,
    start: bool = True,
    migrate: bool = True,
    show_progress: bool = True,
    mariadb_method: str = "auto",
    echo: Callable[[str], None] = print,
    dataset: Dataset | None = None,
) -> list[TableStat]:
    """Seed the stores; returns a ``TableStat`` per step (generation included).

    Stores that already hold data make it raise ``SeedRefused``, unless ``reset`` (empty them
    first) or ``if_empty`` (leave them alone and return no stats). ``dataset``: load this one
    (generated from ``config`` before) instead of generating it.
    """
    if reset and if_empty:
        raise ValueError("reset and if_empty exclude each other")
    if start:
        start_stores(settings)
    if migrate:
        run_migrations(settings)
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(postgres_loader.connect(settings))
        my = stack.enter_context(mariadb_loader.connect(settings))
        mongo_client = stack.enter_context(mongo_loader.connect(settings))
        coll = mongo_loader.collection(mongo_client, settings)

        present = {
            "clientes (PostgreSQL)": postgres_loader.existing_rows(pg),
            "cuentas (MariaDB)": mariadb_loader.existing_rows(my),
            "transacciones (MongoDB)": mongo_loader.existing_rows(coll),
        }
        loaded = {name: n for name, n in present.items() if n}
        held = ", ".join(f"{name}: {n} rows" for name, n in loaded.items())
        if loaded and if_empty:
            echo(f"the stores already hold data ({held}); nothing loaded")
            return []
        if loaded and not reset:
            raise SeedRefused(
                f"the stores already hold data ({held}); run 'cloudbank seed --reset' to replace it"
            )

        started = time.perf_counter()
        if dataset is None or dataset.config != config:
            dataset = generate(config)
        generated = time.perf_counter() - started
        total_rows = sum(len(rows) for rows in dataset.tables().values())
        stats = [TableStat("python", "generate (all tables)", total_rows, generated)]
        echo(
            f"generated {config.n_clientes:,} clientes, {len(dataset.cuentas):,} cuentas, "
            f"{len(dataset.transacciones):,} transacciones in {generated:.1f}s "
            f"(seed {config.seed}, as of {config.as_of.isoformat()})"
        )

        if reset:
            postgres_loader.reset(pg)
            mariadb_loader.reset(my)
            mongo_loader.reset(coll)
        stats += postgres_loader.load(pg, dataset, show_progress)
        stats += mariadb_loader.load(my, dataset, show_progress, method=mariadb_method)
        stats += mongo_loader.load(coll, dataset, show_progress)
    if purge_profile_cache(settings) is None:
        echo("warning: Redis is unreachable: perfil360 may serve cached profiles for 5 minutes")
    return stats


def summary(stats: list[TableStat]) -> str:
    """The table printed at the end of a run."""
    lines = [f"{'STORE':<9} {'TABLE':<26} {'ROWS':>9} {'SECONDS':>8} {'ROWS/S':>10}"]
    for s in stats:
        lines.append(
            f"{s.store:<9} {s.table:<26} {s.rows:>9,} {s.seconds:>8.2f} {s.rows_per_second:>10,.0f}"
        )
    loads = [s for s in stats if s.store != "python"]
    sql = [s for s in loads if s.store in ("postgres", "mariadb")]
    for label, group in (("clientes + cuentas", sql), ("all stores", loads)):
        seconds = sum(s.seconds for s in group)
        rows = sum(s.rows for s in group if not s.table.endswith("(indexes)"))
        lines.append(
            f"{'total':<9} {label:<26} {rows:>9,} {seconds:>8.2f} "
            f"{rows / seconds if seconds else 0:>10,.0f}"
        )
    return "\n".join(lines)
