"""perfil360 against the running services: the profile's figures, the cache and its
invalidation, search, the client's transaction pages and auth."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import httpx
import pytest

from services.common.auth import Role
from services.perfil360.cache import POINTER_PREFIX, profile_key
from services.perfil360.config import INVALIDATION_CHANNEL
from tests.services.perfil360.support import auth, letters


@pytest.fixture(scope="module")
def familia(bank):
    """A client with two PEN accounts and one USD account, an internal transfer, a payment to
    another client, deposits and a withdrawal."""
    cliente = bank.crear_cliente()
    otro = bank.crear_cliente()
    pen_a = bank.abrir_cuenta(cliente["cliente_id"], "PEN", "1000.00")
    pen_b = bank.abrir_cuenta(cliente["cliente_id"], "PEN", "0.00")
    usd = bank.abrir_cuenta(cliente["cliente_id"], "USD", "500.50")
    ajena = bank.abrir_cuenta(otro["cliente_id"], "PEN", "10.00")
    txs = [
        bank.transaccion("TRANSFERENCIA", "100.00", "PEN", pen_a["cuenta_id"], pen_b["cuenta_id"]),
        bank.transaccion("TRANSFERENCIA", "50.25", "PEN", pen_a["cuenta_id"], ajena["cuenta_id"]),
        bank.transaccion("TRANSFERENCIA", "5.00", "PEN", ajena["cuenta_id"], pen_b["cuenta_id"]),
        bank.transaccion("DEPOSITO", "10.10", "USD", destino=usd["cuenta_id"]),
        bank.transaccion("RETIRO", "0.60", "USD", origen=usd["cuenta_id"]),
    ]
    return {"cliente": cliente, "pen": (pen_a, pen_b), "usd": usd, "ajena": ajena, "txs": txs}


def _fresh(perfil: httpx.Client, cache_redis, cliente_id: int) -> httpx.Response:
    cache_redis.delete(profile_key(cliente_id))
    response = perfil.get(f"/api/clientes/{cliente_id}/perfil-completo")
    assert response.status_code == 200, response.text
    return response


def test_profile_summarises_per_currency_and_counts_an_internal_transfer_once(
    perfil, cache_redis, familia
):
    cliente_id = familia["cliente"]["cliente_id"]
    body = _fresh(perfil, cache_redis, cliente_id).json()

    assert body["parcial"] is False and body["secciones_fallidas"] == []
    assert body["cliente"]["cliente_id"] == cliente_id
    assert body["cliente"]["documentos"]
    assert sorted(c["cuenta_id"] for c in body["cuentas"]) == sorted(
        [*(c["cuenta_id"] for c in familia["pen"]), familia["usd"]["cuenta_id"]]
    )
    # money is a decimal string, never a float
    assert all(isinstance(c["saldo"], str) for c in body["cuentas"])

    resumen = {r["moneda"]: r for r in body["resumen_financiero"]}
    assert set(resumen) == {"PEN", "USD"}
    assert Decimal(resumen["PEN"]["saldo_total"]) == Decimal("1000.00") - Decimal("50.25") + 5
    assert Decimal(resumen["USD"]["saldo_total"]) == Decimal("500.50") + Decimal("9.50")
    assert resumen["PEN"]["saldo_total"] == "954.75"
    assert (resumen["PEN"]["total_cuentas"], resumen["PEN"]["cuentas_activas"]) == (2, 2)
    assert (resumen["USD"]["total_cuentas"], resumen["USD"]["cuentas_activas"]) == (1, 1)
    # the internal transfer is one transaction, not two
    assert resumen["PEN"]["total_transacciones"] == 3
    assert resumen["USD"]["total_transacciones"] == 2
    assert resumen["PEN"]["total_transacciones_exacto"] is True

    recientes = body["transacciones_recientes"]
    ids = [t["transaccion_id"] for t in recientes]
    assert sorted(ids) == sorted(t["transaccion_id"] for t in familia["txs"])
    assert len(ids) == len(set(ids))
    fechas = [t["fecha"] for t in recientes]
    assert fechas == sorted(fechas, reverse=True)
    sentido = {t["transaccion_id"]: t["sentido"] for t in recientes}
    interna, salida, entrada, deposito, retiro = (t["transaccion_id"] for t in familia["txs"])
    assert sentido[interna] == "INTERNA"
    assert sentido[salida] == "SALIDA" and sentido[entrada] == "ENTRADA"
    assert sentido[deposito] == "ENTRADA" and sentido[retiro] == "SALIDA"
    assert all(isinstance(t["monto"], str) for t in recientes)

    newest_usd = max(t["fecha"] for t in recientes if t["moneda"] == "USD")
    assert resumen["USD"]["ultima_actividad"] == newest_usd


def test_client_without_accounts_has_an_empty_profile(perfil, cache_redis, bank):
    cliente = bank.crear_cliente()
    body = _fresh(perfil, cache_redis, cliente["cliente_id"]).json()
    assert body["parcial"] is False
    assert body["cuentas"] == [] and body["transacciones_recientes"] == []
    assert body["resumen_financiero"] == []


def test_unknown_client_is_404(perfil):
    response = perfil.get("/api/clientes/2147483000/perfil-completo")
    assert response.status_code == 404
    assert response.json()["code"] == "cliente_not_found"
    assert perfil.get("/api/clientes/0/perfil-completo").status_code == 422


def test_cache_serves_the_second_call_and_a_new_transaction_invalidates_it(
    perfil, cache_redis, bank
):
    cliente = bank.crear_cliente()
    cuenta = bank.abrir_cuenta(cliente["cliente_id"], "EUR", "20.00")
    url = f"/api/clientes/{cliente['cliente_id']}/perfil-completo"

    first = _fresh(perfil, cache_redis, cliente["cliente_id"])
    assert first.headers["X-Cache"] == "miss"
    second = perfil.get(url)
    assert second.headers["X-Cache"] == "hit"
    assert second.json() == first.json()

    bank.transaccion("DEPOSITO", "5.55", "EUR", destino=cuenta["cuenta_id"])
    third = perfil.get(url)
    assert third.headers["X-Cache"] == "miss"
    eur = third.json()["resumen_financiero"][0]
    assert (eur["saldo_total"], eur["total_transacciones"]) == ("25.55", 1)
    assert perfil.get(url).headers["X-Cache"] == "hit"


def test_the_published_message_alone_invalidates_the_profile(perfil, cache_redis, bank):
    """The subscriber path: a message on the channel (pointer keys left in place) removes the
    cached profile of the account's owner."""
    cliente = bank.crear_cliente()
    cuenta = bank.abrir_cuenta(cliente["cliente_id"], "PEN", "1.00")
    _fresh(perfil, cache_redis, cliente["cliente_id"])
    key = profile_key(cliente["cliente_id"])
    assert cache_redis.exists(key)
    assert (
        cache_redis.get(f"{POINTER_PREFIX}{cuenta['cuenta_id']}")
        == str(cliente["cliente_id"]).encode()
    )

    message = json.dumps({"transaccion_id": "X", "cuenta_ids": [cuenta["cuenta_id"]]})
    assert cache_redis.publish(INVALIDATION_CHANNEL, message) >= 1  # a worker listens
    deadline = time.monotonic() + 5
    while cache_redis.exists(key) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not cache_redis.exists(key)
    url = f"/api/clientes/{cliente['cliente_id']}/perfil-completo"
    assert perfil.get(url).headers["X-Cache"] == "miss"


def test_a_deleted_pointer_alone_invalidates_the_profile(perfil, cache_redis, bank):
    """The other half of the contract: transacciones deletes the pointer key first, so a read
    right after it never serves the old profile, whatever the subscriber's delay."""
    cliente = bank.crear_cliente()
    cuenta = bank.abrir_cuenta(cliente["cliente_id"], "PEN", "1.00")
    otra = bank.abrir_cuenta(cliente["cliente_id"], "USD", "1.00")
    url = f"/api/clientes/{cliente['cliente_id']}/perfil-completo"
    _fresh(perfil, cache_redis, cliente["cliente_id"])
    assert perfil.get(url).headers["X-Cache"] == "hit"
    cache_redis.delete(f"{POINTER_PREFIX}{otra['cuenta_id']}")
    assert perfil.get(url).headers["X-Cache"] == "miss"
    assert perfil.get(url).headers["X-Cache"] == "hit"
    assert cuenta  # both accounts are in the profile
    assert len(perfil.get(url).json()["cuentas"]) == 2


def test_no_cache_assembles_the_profile_now_and_refreshes_the_cached_copy(
    perfil, cache_redis, bank
):
    cliente = bank.crear_cliente()
    bank.abrir_cuenta(cliente["cliente_id"], "PEN", "3.00")
    url = f"/api/clientes/{cliente['cliente_id']}/perfil-completo"
    key = profile_key(cliente["cliente_id"])
    first = _fresh(perfil, cache_redis, cliente["cliente_id"])
    assert perfil.get(url).headers["X-Cache"] == "hit"
    cache_redis.expire(key, 10)

    forced = perfil.get(url, headers={"Cache-Control": "max-age=0, No-Cache"})
    assert forced.status_code == 200
    assert forced.headers["X-Cache"] == "miss"
    assert forced.json()["generado_en"] > first.json()["generado_en"]
    # the cached copy is the new profile, with a new 5-minute TTL
    assert cache_redis.ttl(key) > 250
    again = perfil.get(url)
    assert again.headers["X-Cache"] == "hit"
    assert again.json() == forced.json()
    # other directives do not bypass the cache
    assert perfil.get(url, headers={"Cache-Control": "max-age=60"}).headers["X-Cache"] == "hit"


def test_search_finds_a_client_created_a_second_ago(perfil, bank):
    marker = f"Zqx{letters(12)}"
    cliente = bank.crear_cliente(apellido=f"{marker} Huamán")
    response = perfil.get("/api/clientes/buscar", params={"q": marker.lower()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["cliente_id"] for c in body["items"]] == [cliente["cliente_id"]]
    assert body["query"] == marker.lower()
    assert body["limit"] == 50 and body["offset"] == 0


def test_search_pages_and_validates_its_input(perfil, bank):
    marker = f"Pgq{letters(12)}"
    created = {bank.crear_cliente(apellido=f"{marker} {c}")["cliente_id"] for c in "abc"}
    seen = set()
    offset = 0
    while offset is not None:
        page = perfil.get(
            "/api/clientes/buscar", params={"q": marker, "limit": 2, "offset": offset}
        ).json()
        assert len(page["items"]) <= 2
        seen |= {c["cliente_id"] for c in page["items"]}
        offset = page["next_offset"]
    assert seen == created
    for params in ({"q": ""}, {"q": "x" * 101}, {"q": "   "}, {}, {"q": "a", "limit": 201}):
        response = perfil.get("/api/clientes/buscar", params=params)
        assert response.status_code == 422, params
        assert "code" in response.json()


def test_client_transactions_page_through_every_transaction_once(perfil, bank, familia):
    cliente_id = familia["cliente"]["cliente_id"]
    seen: list[str] = []
    offset = 0
    while offset is not None:
        response = perfil.get(
            f"/api/clientes/{cliente_id}/transacciones", params={"limit": 2, "offset": offset}
        )
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["cliente_id"] == cliente_id and len(page["items"]) <= 2
        seen += [t["transaccion_id"] for t in page["items"]]
        offset = page["next_offset"]
    assert sorted(seen) == sorted(t["transaccion_id"] for t in familia["txs"])
    assert len(seen) == len(set(seen))
    assert seen == sorted(seen, reverse=True)  # ULIDs: newest first

    unknown = perfil.get("/api/clientes/2147483000/transacciones")
    assert unknown.status_code == 404
    empty = perfil.get(f"/api/clientes/{bank.crear_cliente()['cliente_id']}/transacciones")
    assert empty.status_code == 200 and empty.json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/clientes/1/perfil-completo",
        "/api/clientes/buscar?q=ana",
        "/api/clientes/1/transacciones",
    ],
)
def test_endpoints_need_a_token_with_the_perfil_scope(deployment, path):
    s = deployment.settings
    url = s.service_url(s.perfil360_port) + path
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    forbidden = httpx.get(url, headers=auth(Role.ANALISTA))
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"


def test_readiness_reports_every_dependency(deployment):
    s = deployment.settings
    response = httpx.get(s.service_url(s.perfil360_port) + "/health/ready")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"clientes", "cuentas", "transacciones", "redis"}
    for check in checks.values():
        assert check["ok"] is True and check["latency_ms"] >= 0
    assert checks["clientes"]["required"] is True
    assert not any(checks[d]["required"] for d in ("cuentas", "transacciones", "redis"))


def test_more_accounts_than_one_transacciones_query_takes(perfil, cache_redis, bank):
    """101 accounts: the ids go out in two queries; a transfer between the first and the last
    account (one in each) still counts once."""
    cliente = bank.crear_cliente()
    cuentas = [bank.abrir_cuenta(cliente["cliente_id"], "PEN", "1.00") for _ in range(101)]
    first, last = cuentas[0]["cuenta_id"], cuentas[-1]["cuenta_id"]
    transfer = bank.transaccion("TRANSFERENCIA", "0.50", "PEN", first, last)
    deposit = bank.transaccion("DEPOSITO", "2.00", "PEN", destino=cuentas[50]["cuenta_id"])

    body = _fresh(perfil, cache_redis, cliente["cliente_id"]).json()
    assert body["parcial"] is False and len(body["cuentas"]) == 101
    (pen,) = body["resumen_financiero"]
    assert (pen["total_cuentas"], pen["saldo_total"], pen["total_transacciones"]) == (
        101,
        "103.00",
        2,
    )
    assert [(t["transaccion_id"], t["sentido"]) for t in body["transacciones_recientes"]] == [
        (deposit["transaccion_id"], "ENTRADA"),
        (transfer["transaccion_id"], "INTERNA"),
    ]

    url = f"/api/clientes/{cliente['cliente_id']}/transacciones"
    page = perfil.get(url, params={"limit": 1}).json()
    assert [t["transaccion_id"] for t in page["items"]] == [deposit["transaccion_id"]]
    assert page["next_offset"] == 1
    page = perfil.get(url, params={"limit": 1, "offset": 1}).json()
    assert [t["transaccion_id"] for t in page["items"]] == [transfer["transaccion_id"]]
    assert page["next_offset"] is None
    too_deep = perfil.get(url, params={"limit": 50, "offset": 180})
    assert too_deep.status_code == 422 and too_deep.json()["code"] == "too_many_accounts"
