"""The recovery pass: finish every PENDIENTE transaction whose posting attempt is over (its
lease expired: the process crashed, or cuentas did not answer), through the same idempotent
call to cuentas. It runs inside the service on a timer and as ``cloudbank recover``; any
number of them may run at once (taking a lease is a conditional update)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter

from services.common.settings import Settings
from services.transacciones.db import eq
from services.transacciones.models import Estado
from services.transacciones.posting import Poster

log = logging.getLogger("cloudbank.transacciones.recovery")

BATCH = 200
CONCURRENCY = 8


async def recover_once(poster: Poster, limit: int = BATCH) -> Counter[str]:
    """One pass over up to ``limit`` abandoned transactions, oldest first. Returns how many
    ended in each estado (PENDIENTE: cuentas still unreachable) or were ``skipped`` (another
    attempt took them first)."""
    # Only the estado is queried: nx-27017 mis-evaluates an $or next to other conditions.
    # PENDIENTE transactions are few (those in flight, plus any left behind).
    cursor = poster.col.find(
        {"estado": eq(Estado.PENDIENTE.value)},
        {"_id": 0},
        sort=[("estado", 1), ("transaccion_id", 1)],
        limit=limit,
    )
    candidates = [c for c in await cursor.to_list() if poster.lease_expired(c)]
    gate = asyncio.Semaphore(CONCURRENCY)

    async def finish(candidate: dict) -> str:
        async with gate:
            leased = await poster.acquire(candidate)
            if leased is None:
                return "skipped"
            return (await poster.drive(leased))["estado"]

    report = Counter(await asyncio.gather(*(finish(c) for c in candidates)))
    if candidates:
        log.info("recovery pass", extra={"fields": dict(report)})
    return report


async def run_periodically(poster: Poster, settings: Settings) -> None:
    """The in-service timer; never raises (a failed pass is logged and retried)."""
    interval = settings.transacciones_recovery_interval_seconds
    while True:
        await asyncio.sleep(interval * random.uniform(0.75, 1.25))
        try:
            await recover_once(poster)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("recovery pass failed")


async def recover_cli(settings: Settings, limit: int) -> Counter[str]:
    """``cloudbank recover``: passes until nothing abandoned is left (or nothing changes)."""
    from services.transacciones.deps import build_runtime

    runtime = build_runtime(settings)
    poster = runtime.poster
    total: Counter[str] = Counter()
    try:
        while True:
            report = await recover_once(poster, limit)
            total.update(report)
            progressed = report[Estado.COMPLETADA.value] + report[Estado.RECHAZADA.value]
            if sum(report.values()) < limit or not progressed:
                break
    finally:
        await runtime.aclose()
    return total
