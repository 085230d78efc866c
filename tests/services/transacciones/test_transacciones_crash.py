"""Crash safety: a transacciones process dies while clients are moving money (at a fault point
between the steps of the posting protocol, or killed outright); afterwards the recovery pass
and the clients' retries leave every transaction COMPLETADA or RECHAZADA, nothing posted
twice, and the books balanced."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections import Counter
from decimal import Decimal

import httpx
import pytest
from click.testing import CliRunner
from transacciones_support import (
    audit,
    client,
    new_key,
    post,
    transactions_of,
    transfer,
    wait_settled,
)

from infra.local.cli import main as cli
from infra.local.process import PidFile
from services.common.auth import Role, issue_token
from services.common.settings import get_settings

pytestmark = pytest.mark.stack

LEASE = 5  # seconds: the crashed process's leases run out soon (not before we look)


async def _clients_until_the_server_dies(url, settings, hot, sent, kill_after=None):
    """8 clients sending small transfers until the server stops answering (or, with
    ``kill_after``, until it has been SIGKILLed that many seconds in)."""
    token = issue_token("tests", Role.CAJERO, settings)

    async def one(http: httpx.AsyncClient, rng: random.Random) -> None:
        while True:
            origen, destino = rng.sample(hot, 2)
            key, body = new_key(), transfer(origen, destino, f"{rng.randint(1, 500) / 100:.2f}")
            try:
                response = await http.post(
                    "/transacciones", json=body, headers={"Idempotency-Key": key}
                )
            except httpx.TransportError:
                sent.append((key, body, None))
                return
            sent.append((key, body, response.status_code))

    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        workers = [asyncio.create_task(one(http, random.Random(i))) for i in range(8)]
        if kill_after is not None:
            await asyncio.sleep(kill_after)
            pid = PidFile(settings.run_dir / "transacciones-crash.pid").live_pid()
            assert pid is not None
            os.killpg(pid, signal.SIGKILL)
        await asyncio.wait_for(asyncio.gather(*workers), timeout=120)


@pytest.mark.parametrize("crash", ["after_pending@15", "after_posting@15", "sigkill"])
def test_a_crash_loses_nothing_and_posts_nothing_twice(
    crash, instance, settings, ledger, col, api, monkeypatch
):
    opening = {ledger.open_account(saldo="300.00"): Decimal("300.00") for _ in range(6)}
    hot = list(opening)
    url = instance(
        "transacciones-crash",
        fault_point="" if crash == "sigkill" else crash,
        transacciones_lease_seconds=LEASE,
        transacciones_recovery_interval_seconds=0,
    )
    sent: list[tuple[str, dict, int | None]] = []
    asyncio.run(
        _clients_until_the_server_dies(
            url, settings, hot, sent, kill_after=1.5 if crash == "sigkill" else None
        )
    )
    lost = [(key, body) for key, body, status in sent if status is None]
    assert lost, "the server never went away"
    assert {status for _, _, status in sent} <= {201, 202, None}, Counter(s for *_, s in sent)

    # what the crash left: unfinished transactions, some of them perhaps already applied
    before = Counter(d["estado"] for d in transactions_of(col, hot))
    assert before["PENDIENTE"] >= (0 if crash == "sigkill" else 1), before
    if crash.startswith("after_posting"):
        pending = [d for d in transactions_of(col, hot) if d["estado"] == "PENDIENTE"]
        assert any(ledger.legs_of(d["transaccion_id"]) for d in pending), (
            "expected a transaction applied by cuentas but not yet recorded"
        )

    # the recovery pass finishes them once their lease is over (the service's own timer or
    # ``cloudbank recover``: both take a lease first, so running both is safe)
    time.sleep(LEASE + 0.2)
    monkeypatch.setenv("CLOUDBANK_TRANSACCIONES_LEASE_SECONDS", str(LEASE))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["recover"])
    finally:
        get_settings.cache_clear()
    # exit code 1 means some are still PENDIENTE (cuentas timed out): the timer finishes them
    assert result.exit_code == 0 or "PENDIENTE" in result.output, result.output
    docs = wait_settled(col, [d["transaccion_id"] for d in transactions_of(col, hot)], 90)
    after = Counter(d["estado"] for d in docs)
    assert set(after) <= {"COMPLETADA", "RECHAZADA"}, after
    found = audit(ledger, col, hot, opening)
    assert not found.problems, found.problems

    # the clients that lost their answer retry with the same key: they get the finished
    # transaction (or, if the crash came before it was recorded, it is created now)
    retried = []
    for key, body in lost:
        response = post(api, body, key)
        assert response.status_code in (201, 202), response.text  # 202: cuentas slow
        retried.append(response.json()["transaccion_id"])
    assert {d["estado"] for d in wait_settled(col, retried, 90)} <= {"COMPLETADA", "RECHAZADA"}
    keys = [key for key, _, _ in sent]
    docs = list(col.find({"idempotency_key": {"$in": keys}}, {"_id": 0, "idempotency_key": 1}))
    assert len(docs) == len({d["idempotency_key"] for d in docs})  # one transaction per key
    assert {d["idempotency_key"] for d in docs} >= {key for key, _ in lost}
    found = audit(ledger, col, hot, opening)
    assert not found.problems, found.problems
    assert sum(ledger.balances(hot).values()) == Decimal("1800.00")
    with client(settings, url) as gone, pytest.raises(httpx.TransportError):
        gone.get("/health")
