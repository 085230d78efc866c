"""Concurrency against the real stack: many clients moving money among a few hot accounts,
the same request sent twenty times at once, and concurrent reversals of one transaction.

The soak lasts CLOUDBANK_TEST_SOAK_SECONDS (10 by default); tests/perf/bench_transacciones.py
runs the 30-second version and reports throughput."""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from decimal import Decimal

import httpx
import pytest
from transacciones_support import audit, new_key, transfer, wait_settled

from services.common.auth import Role, issue_token

pytestmark = pytest.mark.stack

SOAK_SECONDS = float(os.environ.get("CLOUDBANK_TEST_SOAK_SECONDS", "10"))


def _async_client(settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=settings.service_url(settings.transacciones_port),
        headers={"Authorization": f"Bearer {issue_token('tests', Role.CAJERO, settings)}"},
        timeout=60,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
    )


def test_hot_accounts_under_32_clients_conserve_money_exactly(settings, ledger, col, tx_stack):
    opening = {ledger.open_account(saldo="500.00"): Decimal("500.00") for _ in range(10)}
    hot = list(opening)
    statuses: Counter[int] = Counter()
    created: list[str] = []

    async def client_loop(http: httpx.AsyncClient, stop: float, rng: random.Random) -> None:
        while time.monotonic() < stop:
            origen, destino = rng.sample(hot, 2)
            monto = f"{rng.randint(1, 15000) / 100:.2f}"  # some overdraw a drained account
            response = await http.post(
                "/transacciones",
                json=transfer(origen, destino, monto),
                headers={"Idempotency-Key": new_key()},
            )
            statuses[response.status_code] += 1
            if response.status_code in (201, 202):
                created.append(response.json()["transaccion_id"])

    async def run() -> None:
        async with _async_client(settings) as http:
            stop = time.monotonic() + SOAK_SECONDS
            await asyncio.gather(
                *(client_loop(http, stop, random.Random(seed)) for seed in range(32))
            )

    asyncio.run(run())
    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= {201, 202}, statuses
    docs = wait_settled(col, created)
    estados = Counter(d["estado"] for d in docs)
    assert len(docs) == len(created) and estados["COMPLETADA"] > 0, estados
    assert set(estados) <= {"COMPLETADA", "RECHAZADA"}, estados
    assert {d["motivo"] for d in docs if d["estado"] == "RECHAZADA"} <= {"saldo_insuficiente"}
    # money is conserved to the cent and every account agrees with its journal
    assert sum(ledger.balances(hot).values()) == Decimal("5000.00")
    found = audit(ledger, col, hot, opening)
    assert not found.problems, found.problems[:10]
    assert found.completadas == estados["COMPLETADA"]


def test_the_same_request_twenty_times_at_once_posts_once(settings, ledger, col, tx_stack):
    origen, destino = ledger.open_account(saldo="100.00"), ledger.open_account()
    key, body = new_key(), transfer(origen, destino, "12.34")

    async def storm() -> list[httpx.Response]:
        async with _async_client(settings) as http:
            return await asyncio.gather(
                *(
                    http.post("/transacciones", json=body, headers={"Idempotency-Key": key})
                    for _ in range(20)
                )
            )

    responses = asyncio.run(storm())
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    answers = [r.json() for r in responses]
    assert all(a == answers[0] for a in answers), answers
    assert answers[0]["estado"] == "COMPLETADA"
    assert sum(r.headers.get("Idempotent-Replayed") != "true" for r in responses) == 1
    assert col.count_documents({"idempotency_key": key}) == 1
    assert ledger.legs_of(answers[0]["transaccion_id"]) == {
        (origen, Decimal("-12.34")),
        (destino, Decimal("12.34")),
    }
    assert ledger.balances([origen, destino]) == {
        origen: Decimal("87.66"),
        destino: Decimal("12.34"),
    }


def test_concurrent_reversals_of_one_transaction_reverse_it_once(settings, ledger, col, tx_stack):
    origen, destino = ledger.open_account(saldo="100.00"), ledger.open_account()

    async def race() -> tuple[dict, list[httpx.Response]]:
        async with _async_client(settings) as http:
            original = await http.post(
                "/transacciones",
                json=transfer(origen, destino, "40.00"),
                headers={"Idempotency-Key": new_key()},
            )
            assert original.status_code == 201, original.text
            tid = original.json()["transaccion_id"]
            reversals = await asyncio.gather(
                *(
                    http.post(
                        f"/transacciones/{tid}/reversa", headers={"Idempotency-Key": new_key()}
                    )
                    for _ in range(10)
                )
            )
            return original.json(), reversals

    original, reversals = asyncio.run(race())
    codes = Counter(
        r.json()["estado"] if r.status_code == 201 else r.json()["code"] for r in reversals
    )
    assert codes == {"COMPLETADA": 1, "ya_revertida": 9}, codes
    assert ledger.balances([origen, destino]) == {
        origen: Decimal("100.00"),
        destino: Decimal("0.00"),
    }
    assert col.count_documents({"reversa_de": original["transaccion_id"]}) == 1
    found = audit(
        ledger, col, [origen, destino], {origen: Decimal("100.00"), destino: Decimal("0.00")}
    )
    assert not found.problems, found.problems
