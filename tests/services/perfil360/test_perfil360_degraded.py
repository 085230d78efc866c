"""perfil360 with a dependency down, slow or gone: partial profiles for cuentas and
transacciones, 503 for clientes. Each test restarts what it stopped. (Redis down is in
test_perfil360_redis_outage.py, which runs after the profile tests: transacciones pauses its
cache invalidations for a few seconds after a Redis error.)"""

from __future__ import annotations

import socket
import time

from services.perfil360.cache import profile_key
from services.perfil360.config import UPSTREAM_TIMEOUT_S
from tests.services.perfil360.support import profile, ready


def test_cuentas_down_gives_a_partial_profile_that_is_not_cached(
    deployment, perfil, cache_redis, cliente, stop
):
    cache_redis.delete(profile_key(cliente["cliente_id"]))
    stop(*deployment.cuentas_components)
    for expected_cache in ("miss", "miss"):  # a partial profile is never cached
        response = profile(perfil, cliente["cliente_id"])
        assert response.status_code == 200, response.text
        assert response.headers["X-Cache"] == expected_cache
        body = response.json()
        assert body["parcial"] is True
        assert body["secciones_fallidas"] == ["cuentas", "transacciones"]
        assert body["cliente"]["cliente_id"] == cliente["cliente_id"]
        assert body["cuentas"] == [] and body["resumen_financiero"] == []
    assert not cache_redis.exists(profile_key(cliente["cliente_id"]))

    page = perfil.get(f"/api/clientes/{cliente['cliente_id']}/transacciones")
    assert page.status_code == 503 and page.json()["code"] == "cuentas_unavailable"
    readiness = ready(deployment)
    assert readiness.status_code == 200  # cuentas is a soft dependency
    assert readiness.json()["checks"]["cuentas"]["ok"] is False


def test_cuentas_hanging_gives_a_partial_profile_within_the_timeout(
    deployment, perfil, cache_redis, cliente, stop
):
    """A dependency that accepts connections and never answers costs one timeout."""
    stop(*deployment.cuentas_components)
    s = deployment.settings
    with socket.create_server((s.host, s.port(s.cuentas_port)), backlog=64) as silent:
        assert silent  # listening, never accepting: requests wait until perfil360 times out
        cache_redis.delete(profile_key(cliente["cliente_id"]))
        started = time.monotonic()
        response = profile(perfil, cliente["cliente_id"])
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["parcial"] is True
    assert response.json()["secciones_fallidas"] == ["cuentas", "transacciones"]
    assert elapsed >= UPSTREAM_TIMEOUT_S * 0.9  # it did wait for the timeout, not fail fast


def test_transacciones_down_gives_accounts_and_balances_without_transactions(
    deployment, perfil, cache_redis, cliente, stop
):
    cache_redis.delete(profile_key(cliente["cliente_id"]))
    stop("transacciones")
    response = profile(perfil, cliente["cliente_id"])
    assert response.status_code == 200
    body = response.json()
    assert body["parcial"] is True and body["secciones_fallidas"] == ["transacciones"]
    assert len(body["cuentas"]) == 2 and body["transacciones_recientes"] == []
    resumen = {r["moneda"]: r for r in body["resumen_financiero"]}
    assert resumen["PEN"]["saldo_total"] == "100.00"
    assert resumen["USD"]["saldo_total"] == "3.00"
    assert resumen["PEN"]["total_transacciones"] is None
    assert resumen["PEN"]["total_transacciones_exacto"] is False
    assert profile(perfil, cliente["cliente_id"]).headers["X-Cache"] == "miss"
    page = perfil.get(f"/api/clientes/{cliente['cliente_id']}/transacciones")
    assert page.status_code == 503 and page.json()["code"] == "transacciones_unavailable"
    assert ready(deployment).json()["checks"]["transacciones"]["ok"] is False


def test_clientes_down_is_503_and_not_ready(deployment, perfil, cache_redis, cliente, stop):
    cache_redis.delete(profile_key(cliente["cliente_id"]))
    stop("clientes")
    response = profile(perfil, cliente["cliente_id"])
    assert response.status_code == 503
    assert response.json()["code"] == "clientes_unavailable"
    search = perfil.get("/api/clientes/buscar", params={"q": "ana"})
    assert search.status_code == 503
    readiness = ready(deployment)
    assert readiness.status_code == 503
    assert readiness.json()["checks"]["clientes"]["ok"] is False
