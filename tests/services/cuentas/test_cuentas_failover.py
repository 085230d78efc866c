"""HAProxy failover: one cuentas instance is SIGKILLed while clients read and write."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from contextlib import suppress
from decimal import Decimal

import httpx
from cuentas_support import Bank, new_key

from infra.local.components import HAProxy
from infra.local.process import wait_until
from infra.local.stack import Stack
from services.cuentas.idempotency import transaccion_id_for

RETRYABLE = {502, 503, 504}
MAX_TRIES = 20


def send_until_answered(
    client: httpx.Client, method: str, path: str, **kwargs
) -> tuple[httpx.Response, int]:
    """What a well-behaved client does: retry a gateway error (same request, same key)."""
    for attempt in range(1, MAX_TRIES + 1):
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TransportError:
            time.sleep(0.1)
            continue
        if response.status_code not in RETRYABLE:
            return response, attempt
        time.sleep(0.1)
    raise AssertionError(f"{method} {path} still failing after {MAX_TRIES} tries")


def test_killing_an_instance_loses_no_request_and_it_rejoins(
    cuentas_stack: Stack, bank: Bank, base_url, admin
):
    cuenta_id = bank.open("100000")["cuenta_id"]
    haproxy = next(c for c in cuentas_stack.components if isinstance(c, HAProxy))
    victim = next(c for c in cuentas_stack.components if c.name == "cuentas-1")
    pid = cuentas_stack.pid_file(victim).live_pid()
    assert pid is not None

    stop = threading.Event()
    writes: list[tuple[str, httpx.Response]] = []
    reads: list[httpx.Response] = []
    tries: Counter[int] = Counter()
    errors: list[BaseException] = []

    def client_loop() -> None:
        with httpx.Client(base_url=base_url, headers=admin, timeout=30) as client:
            while not stop.is_set():
                try:
                    key = new_key()
                    response, attempts = send_until_answered(
                        client,
                        "PATCH",
                        f"/cuentas/{cuenta_id}/saldo",
                        json={"monto": "1.00", "operacion": "retiro"},
                        headers={"Idempotency-Key": key},
                    )
                    writes.append((key, response))
                    tries[attempts] += 1
                    response, attempts = send_until_answered(client, "GET", f"/cuentas/{cuenta_id}")
                    reads.append(response)
                    tries[attempts] += 1
                except BaseException as exc:  # surfaced below
                    errors.append(exc)
                    return

    threads = [threading.Thread(target=client_loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        os.kill(pid, signal.SIGKILL)
        with suppress(ChildProcessError):
            os.waitpid(pid, 0)  # reap it if this session started it
        assert wait_until(lambda: haproxy.backends()["cuentas-1"].startswith("DOWN"), 15)
        time.sleep(1.0)  # traffic runs on cuentas-2 alone for a while
        cuentas_stack.start(victim)  # migrations (a no-op) and a new process
        assert wait_until(lambda: haproxy.backends()["cuentas-1"] == "UP", 20)
        time.sleep(1.5)  # and both serve again
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)

    assert errors == []
    assert writes and reads
    assert {r.status_code for _, r in writes} == {200}, Counter(r.status_code for _, r in writes)
    assert {r.status_code for r in reads} == {200}
    # every write applied exactly once, whatever retries it took
    for key, _ in writes:
        assert len(bank.legs_of(transaccion_id_for(key))) == 1
    assert bank.saldo(cuenta_id) == Decimal("100000.00") - len(writes)
    bank.assert_balanced(cuenta_id)
    # the restarted instance serves again
    served = {r.headers["X-Instance"] for r in reads[-20:]}
    assert served == {"cuentas-1", "cuentas-2"}, served
    print(f"\n{len(writes)} writes and {len(reads)} reads; attempts per request: {dict(tries)}")
