"""Money under concurrency: no overdraft, no lost update, no double application, no 5xx."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
from cuentas_support import Bank, new_key

from services.cuentas.idempotency import transaccion_id_for


def storm(base_url: str, headers: dict, requests: list[tuple[str, str, dict, dict]]):
    """Send every request at once (a barrier releases them together) through HAProxy."""
    barrier = threading.Barrier(len(requests))
    limits = httpx.Limits(max_connections=len(requests))
    with httpx.Client(base_url=base_url, headers=headers, timeout=60, limits=limits) as client:

        def send(request):
            method, path, body, extra = request
            barrier.wait()
            return client.request(method, path, json=body, headers=extra)

        with ThreadPoolExecutor(len(requests)) as pool:
            return list(pool.map(send, requests))


def test_100_concurrent_withdrawals_never_overdraw(bank: Bank, base_url, admin):
    cuenta_id = bank.open("1000")["cuenta_id"]
    withdrawal = ("PATCH", f"/cuentas/{cuenta_id}/saldo", {"monto": "15", "operacion": "retiro"})
    responses = storm(
        base_url, admin, [(*withdrawal, {"Idempotency-Key": new_key()}) for _ in range(100)]
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 66, 409: 34}, statuses  # 66 × 15 = 990 ≤ 1000 < 67 × 15
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"saldo_insuficiente"}
    assert bank.saldo(cuenta_id) == Decimal("10.00")
    assert len(bank.journal(cuenta_id)) == 1 + 66
    bank.assert_balanced(cuenta_id)
    # each applied withdrawal answered the balance it left; together they are every step down
    left = sorted(Decimal(r.json()["saldo"]) for r in responses if r.status_code == 200)
    assert left == [Decimal(10 + 15 * i) for i in range(66)]
    # both instances took part
    assert {r.headers["X-Instance"] for r in responses} == {"cuentas-1", "cuentas-2"}


def test_one_idempotency_key_sent_20_times_at_once_moves_money_once(bank: Bank, base_url, admin):
    cuenta_id = bank.open("100")["cuenta_id"]
    key = new_key()
    request = (
        "PATCH",
        f"/cuentas/{cuenta_id}/saldo",
        {"monto": "7.5", "operacion": "retiro"},
        {"Idempotency-Key": key},
    )
    responses = storm(base_url, admin, [request] * 20)
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1  # identical bodies, byte for byte
    assert responses[0].json()["saldo"] == "92.50"
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19
    assert bank.saldo(cuenta_id) == Decimal("92.50")
    assert bank.legs_of(transaccion_id_for(key)) == [(cuenta_id, Decimal("-7.50"))]
    bank.assert_balanced(cuenta_id)


def test_concurrent_openings_get_distinct_numbers(bank: Bank, base_url, admin):
    from cuentas_support import fresh_cliente

    body = {"tipo_cuenta_id": 2, "moneda": "EUR", "saldo_inicial": "1"}
    requests = [
        (
            "POST",
            "/cuentas",
            {**body, "cliente_id": fresh_cliente()},
            {"Idempotency-Key": new_key()},
        )
        for _ in range(30)
    ]
    responses = storm(base_url, admin, requests)
    assert {r.status_code for r in responses} == {201}
    numbers = {r.json()["numero_cuenta"] for r in responses}
    assert len(numbers) == 30
    bank.assert_balanced(*(r.json()["cuenta_id"] for r in responses))


def test_crossing_transfers_neither_deadlock_nor_lose_money(bank: Bank, base_url, service_role):
    a, b, c = (bank.open("500")["cuenta_id"] for _ in range(3))
    pairs = [(a, b), (b, a), (b, c), (c, a), (a, c), (c, b)] * 10
    requests = [
        (
            "POST",
            "/movimientos",
            {
                "transaccion_id": f"X-{uuid.uuid4().hex[:20]}",
                "tipo": "TRANSFERENCIA",
                "moneda": "PEN",
                "legs": [{"cuenta_id": src, "monto": "-9.99"}, {"cuenta_id": dst, "monto": "9.99"}],
            },
            {},
        )
        for src, dst in pairs
    ]
    responses = storm(base_url, service_role, requests)
    assert {r.status_code for r in responses} == {200}, Counter(r.status_code for r in responses)
    # each account sent and received 20 transfers of the same amount
    assert [bank.saldo(x) for x in (a, b, c)] == [Decimal("500.00")] * 3
    bank.assert_balanced(a, b, c)


def test_concurrent_replays_of_one_posting_apply_it_once(bank: Bank, base_url, service_role):
    a, b = bank.open("50")["cuenta_id"], bank.open("0")["cuenta_id"]
    posting = {
        "transaccion_id": f"R-{uuid.uuid4().hex[:20]}",
        "tipo": "TRANSFERENCIA",
        "moneda": "PEN",
        "legs": [{"cuenta_id": a, "monto": "-50"}, {"cuenta_id": b, "monto": "50"}],
    }
    responses = storm(base_url, service_role, [("POST", "/movimientos", posting, {})] * 15)
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert bank.saldo(a) == Decimal("0.00") and bank.saldo(b) == Decimal("50.00")
    assert len(bank.legs_of(posting["transaccion_id"])) == 2


def test_every_account_in_the_database_balances(bank: Bank):
    assert bank.unbalanced_accounts() == []


def test_a_lock_wait_timeout_is_retried_not_a_500(bank: Bank, settings):
    """Another session holds the account's row lock past innodb_lock_wait_timeout (5 s):
    the withdrawal's transaction times out (1205), is retried, and succeeds once."""
    import pymysql

    cuenta_id = bank.open("50")["cuenta_id"]
    holder = pymysql.connect(
        host=settings.host,
        port=settings.port(settings.mysql_port),
        user=settings.mysql_user,
        password=settings.mysql_password,
        database=settings.mysql_database,
    )
    try:
        with holder.cursor() as cur:
            cur.execute("SELECT saldo FROM cuentas WHERE cuenta_id = %s FOR UPDATE", (cuenta_id,))
        key = new_key()
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(bank.move, cuenta_id, "20", "retiro", key)
            time.sleep(6.5)  # past one 5 s lock wait: the first attempt has failed by now
            assert not pending.done()
            holder.commit()  # release the lock: the retry goes through
            response = pending.result(timeout=30)
    finally:
        holder.close()
    assert response.status_code == 200, response.text
    assert response.json()["saldo"] == "30.00"
    assert bank.legs_of(transaccion_id_for(key)) == [(cuenta_id, Decimal("-20.00"))]
    bank.assert_balanced(cuenta_id)
