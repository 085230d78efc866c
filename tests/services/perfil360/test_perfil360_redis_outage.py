"""perfil360 without Redis: served uncached, never stale once Redis is back."""

from __future__ import annotations

import time
from decimal import Decimal

from services.perfil360.cache import profile_key
from tests.services.perfil360.support import profile, ready


def test_without_redis_profiles_are_served_uncached_and_never_stale_after(
    deployment, perfil, cache_redis, bank, cliente, stop
):
    url = f"/api/clientes/{cliente['cliente_id']}/perfil-completo"
    cache_redis.delete(profile_key(cliente["cliente_id"]))
    assert perfil.get(url).headers["X-Cache"] == "miss"
    assert perfil.get(url).headers["X-Cache"] == "hit"  # cached (and persisted by Redis)
    stop("redis")
    for _ in range(3):
        response = profile(perfil, cliente["cliente_id"])
        assert response.status_code == 200 and response.headers["X-Cache"] == "miss"
    assert ready(deployment).json()["checks"]["redis"]["ok"] is False
    # a transaction while Redis is down cannot invalidate anything
    bank.transaccion("DEPOSITO", "1.00", "USD", destino=cliente["usd"]["cuenta_id"])
    deployment.up("redis")
    # the old profile (persisted by Redis) must never come back: every answer has the deposit,
    # and the cache works again once perfil360 has resubscribed
    deadline = time.monotonic() + 15
    hits = 0
    while hits < 2 and time.monotonic() < deadline:
        response = perfil.get(url)
        usd = {r["moneda"]: r for r in response.json()["resumen_financiero"]}["USD"]
        assert usd["saldo_total"] == "4.00"
        hits += response.headers["X-Cache"] == "hit"
        time.sleep(0.1)
    assert hits == 2
    # once transacciones notices Redis is back (it pauses its notifications for a few seconds
    # after a Redis error), a new transaction invalidates the profile again
    saldo = Decimal("4.00")
    deadline = time.monotonic() + 30
    while True:
        bank.transaccion("DEPOSITO", "1.00", "USD", destino=cliente["usd"]["cuenta_id"])
        saldo += 1
        response = perfil.get(url)
        usd = {r["moneda"]: r for r in response.json()["resumen_financiero"]}["USD"]
        if response.headers["X-Cache"] == "miss" and Decimal(usd["saldo_total"]) == saldo:
            break
        assert time.monotonic() < deadline, "new transactions never invalidated the cache again"
        time.sleep(1)
