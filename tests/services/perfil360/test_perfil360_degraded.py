"""perfil360 with a dependency down, slow or gone: partial profiles for cuentas and
transacciones, 503 for clientes, uncached service without Redis. Each test restarts what it
stopped."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from services.perfil360.cache import profile_key
from services.perfil360.config import UPSTREAM_TIMEOUT_S

# A profile must come back within one dependency timeout per sequential step (accounts, then
# transactions), plus slack for this shared machine; past this the client gives up and the
# test fails.
WITHIN_TIMEOUT = httpx.Timeout(2 * UPSTREAM_TIMEOUT_S + 1.0)


@pytest.fixture
def stop(deployment) -> Iterator[Callable[..., None]]:
    stopped: list[str] = []

    def _stop(*names: str) -> None:
        deployment.down(*names)
        stopped.extend(names)

    yield _stop
    if stopped:
        deployment.up(*stopped)


@pytest.fixture
def cliente(bank):
    c = bank.crear_cliente()
    pen = bank.abrir_cuenta(c["cliente_id"], "PEN", "70.00")
    usd = bank.abrir_cuenta(c["cliente_id"], "USD", "3.00")
    bank.transaccion("DEPOSITO", "30.00", "PEN", destino=pen["cuenta_id"])
    return {"cliente_id": c["cliente_id"], "pen": pen, "usd": usd}


def _profile(perfil: httpx.Client, cliente_id: int) -> httpx.Response:
    return perfil.get(f"/api/clientes/{cliente_id}/perfil-completo", timeout=WITHIN_TIMEOUT)


def _ready(deployment) -> httpx.Response:
    s = deployment.settings
    return httpx.get(s.service_url(s.perfil360_port) + "/health/ready", timeout=5)


def test_cuentas_down_gives_a_partial_profile_that_is_not_cached(
    deployment, perfil, cache_redis, cliente, stop
):
    cache_redis.delete(profile_key(cliente["cliente_id"]))
    stop(*deployment.cuentas_components)
    for expected_cache in ("miss", "miss"):  # a partial profile is never cached
        response = _profile(perfil, cliente["cliente_id"])
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
    ready = _ready(deployment)
    assert ready.status_code == 200  # cuentas is a soft dependency
    assert ready.json()["checks"]["cuentas"]["ok"] is False


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
        response = _profile(perfil, cliente["cliente_id"])
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
    response = _profile(perfil, cliente["cliente_id"])
    assert response.status_code == 200
    body = response.json()
    assert body["parcial"] is True and body["secciones_fallidas"] == ["transacciones"]
    assert len(body["cuentas"]) == 2 and body["transacciones_recientes"] == []
    resumen = {r["moneda"]: r for r in body["resumen_financiero"]}
    assert resumen["PEN"]["saldo_total"] == "100.00"
    assert resumen["USD"]["saldo_total"] == "3.00"
    assert resumen["PEN"]["total_transacciones"] is None
    assert resumen["PEN"]["total_transacciones_exacto"] is False
    assert _profile(perfil, cliente["cliente_id"]).headers["X-Cache"] == "miss"
    page = perfil.get(f"/api/clientes/{cliente['cliente_id']}/transacciones")
    assert page.status_code == 503 and page.json()["code"] == "transacciones_unavailable"
    assert _ready(deployment).json()["checks"]["transacciones"]["ok"] is False


def test_clientes_down_is_503_and_not_ready(deployment, perfil, cache_redis, cliente, stop):
    cache_redis.delete(profile_key(cliente["cliente_id"]))
    stop("clientes")
    response = _profile(perfil, cliente["cliente_id"])
    assert response.status_code == 503
    assert response.json()["code"] == "clientes_unavailable"
    search = perfil.get("/api/clientes/buscar", params={"q": "ana"})
    assert search.status_code == 503
    ready = _ready(deployment)
    assert ready.status_code == 503
    assert ready.json()["checks"]["clientes"]["ok"] is False


def test_without_redis_profiles_are_served_uncached_and_never_stale_after(
    deployment, perfil, cache_redis, bank, cliente, stop
):
    url = f"/api/clientes/{cliente['cliente_id']}/perfil-completo"
    cache_redis.delete(profile_key(cliente["cliente_id"]))
    assert perfil.get(url).headers["X-Cache"] == "miss"
    assert perfil.get(url).headers["X-Cache"] == "hit"  # cached (and persisted by Redis)
    stop("redis")
    for _ in range(3):
        response = _profile(perfil, cliente["cliente_id"])
        assert response.status_code == 200 and response.headers["X-Cache"] == "miss"
    assert _ready(deployment).json()["checks"]["redis"]["ok"] is False
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
