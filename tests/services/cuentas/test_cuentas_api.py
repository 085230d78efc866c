"""Every cuentas endpoint and its error paths, through HAProxy, on the real database."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from cuentas_support import UNKNOWN_CLIENTE, Bank, bearer, fresh_cliente, new_key

from services.common.auth import Role
from services.cuentas.idempotency import transaccion_id_for
from services.cuentas.numbering import luhn_valid, numero_cuenta

ROUTES = [
    ("GET", "/tipos-cuenta", None),
    ("GET", "/tipos-cuenta/1", None),
    ("GET", "/cuentas", None),
    ("POST", "/cuentas", {"cliente_id": 1, "tipo_cuenta_id": 1, "moneda": "PEN"}),
    ("GET", "/cuentas/1", None),
    ("GET", "/cuentas/cliente/1", None),
    ("GET", "/cuentas/numero/19100000000015", None),
    ("GET", "/cuentas/1/movimientos", None),
    ("PATCH", "/cuentas/1/saldo", {"monto": "1.00", "operacion": "deposito"}),
    ("PATCH", "/cuentas/1/estado", {"estado": "bloqueada"}),
    ("DELETE", "/cuentas/1", None),
    (
        "POST",
        "/movimientos",
        {"transaccion_id": "T1", "tipo": "DEPOSITO", "moneda": "PEN", "legs": []},
    ),
]


def call(client: httpx.Client, method: str, path: str, body, headers=None) -> httpx.Response:
    return client.request(
        method, path, json=body, headers={"Idempotency-Key": new_key(), **(headers or {})}
    )


# --- auth -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_needs_a_token(base_url, method, path, body):
    with httpx.Client(base_url=base_url) as anonymous:
        response = call(anonymous, method, path, body)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        bad = call(anonymous, method, path, body, {"Authorization": "Bearer not-a-jwt"})
        assert bad.status_code == 401 and bad.json()["code"] == "invalid_token"


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_analysts_have_no_access(base_url, method, path, body):
    with httpx.Client(base_url=base_url, headers=bearer(Role.ANALISTA)) as analyst:
        response = call(analyst, method, path, body)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_only_the_service_role_posts_movimientos(bank: Bank, http):
    cuenta = bank.open("10")
    body = {
        "transaccion_id": f"T-{new_key()[:20]}",
        "tipo": "DEPOSITO",
        "moneda": "PEN",
        "legs": [{"cuenta_id": cuenta["cuenta_id"], "monto": "1.00"}],
    }
    for role in (Role.ADMIN, Role.CAJERO):
        response = http.post("/movimientos", json=body, headers=bearer(role))
        assert response.status_code == 403
    assert bank.saldo(cuenta["cuenta_id"]) == Decimal("10.00")
    # the service role can, and a teller can still read and write accounts
    assert http.post("/movimientos", json=body, headers=bank.service_headers).status_code == 200
    teller = bearer(Role.CAJERO)
    assert http.get(f"/cuentas/{cuenta['cuenta_id']}", headers=teller).status_code == 200


def test_health_is_open_and_ready_checks_the_database(http, base_url):
    with httpx.Client(base_url=base_url) as anonymous:
        assert anonymous.get("/health").status_code == 200
        ready = anonymous.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"]["mariadb"]["ok"] is True
        assert anonymous.get("/openapi.json").status_code == 200


# --- tipos de cuenta --------------------------------------------------------------------------------
def test_account_types_are_the_original_four(http):
    tipos = http.get("/tipos-cuenta").json()
    assert [(t["nombre"], t["costo_mantenimiento"], t["tasa_interes"]) for t in tipos] == [
        ("Cuenta Sueldo", "0.00", "0.00"),
        ("Cuenta Free", "0.00", "0.50"),
        ("Cuenta Premium", "15.00", "1.50"),
        ("Cuenta Ahorro", "5.00", "3.00"),
    ]
    assert http.get("/tipos-cuenta/3").json()["nombre"] == "Cuenta Premium"
    missing = http.get("/tipos-cuenta/99")
    assert missing.status_code == 404 and missing.json()["code"] == "tipo_cuenta_inexistente"
    assert http.get("/tipos-cuenta/0").status_code == 422
    assert http.get("/tipos-cuenta/abc").status_code == 422


# --- opening ------------------------------------------------------------------------------------------
def test_open_account_with_an_opening_deposit(bank: Bank, http):
    cliente_id = fresh_cliente()
    cuenta = bank.open("250.5", moneda="USD", cliente_id=cliente_id, tipo_cuenta_id=3)
    assert cuenta["cliente_id"] == cliente_id and cuenta["moneda"] == "USD"
    assert cuenta["saldo"] == "250.50" and cuenta["estado"] == "activa"
    assert cuenta["tipo_cuenta_nombre"] == "Cuenta Premium"
    assert cuenta["costo_mantenimiento"] == "15.00" and cuenta["tasa_interes"] == "1.50"
    numero = cuenta["numero_cuenta"]
    assert len(numero) == 14 and numero.startswith("191") and luhn_valid(numero)
    assert numero == numero_cuenta(cuenta["cuenta_id"])
    assert cuenta["fecha_apertura"].endswith("Z")
    # the opening balance is the account's APERTURA leg
    assert bank.journal(cuenta["cuenta_id"]) == [
        (f"APERTURA-{cuenta['cuenta_id']}", "APERTURA", Decimal("250.50"), Decimal("250.50"))
    ]
    assert http.get(f"/cuentas/{cuenta['cuenta_id']}").json() == cuenta


def test_open_account_at_zero_has_no_journal_leg(bank: Bank):
    cuenta = bank.open()
    assert cuenta["saldo"] == "0.00" and bank.journal(cuenta["cuenta_id"]) == []


def test_opening_is_idempotent(http, bank: Bank):
    key = new_key()
    body = {
        "cliente_id": fresh_cliente(),
        "tipo_cuenta_id": 2,
        "moneda": "PEN",
        "saldo_inicial": "5",
    }
    first = http.post("/cuentas", json=body, headers={"Idempotency-Key": key})
    again = http.post("/cuentas", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert again.headers["Idempotent-Replayed"] == "true"
    with bank.sql.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM cuentas WHERE cliente_id = %s", (body["cliente_id"],))
        assert cur.fetchone()[0] == 1
    other = http.post("/cuentas", json={**body, "moneda": "USD"}, headers={"Idempotency-Key": key})
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"cliente_id": UNKNOWN_CLIENTE}, 422, "cliente_inexistente"),
        ({"cliente_id": "inactivo"}, 409, "cliente_inactivo"),
        ({"cliente_id": "bloqueado"}, 409, "cliente_inactivo"),
        ({"tipo_cuenta_id": 42}, 422, "tipo_cuenta_inexistente"),
        ({"moneda": "GBP"}, 422, "validation_error"),
        ({"saldo_inicial": "-1"}, 422, "validation_error"),
        ({"saldo_inicial": "1.001"}, 422, "validation_error"),
        ({"saldo_inicial": 1e20}, 422, "validation_error"),
        ({"cliente_id": 0}, 422, "validation_error"),
        ({"cliente_id": 2**31}, 422, "validation_error"),
        ({"saldo": "10"}, 422, "validation_error"),  # the original's field name: not accepted
    ],
)
def test_opening_rejections(http, change, status, code):
    if change.get("cliente_id") in ("inactivo", "bloqueado"):
        change = {"cliente_id": fresh_cliente(change["cliente_id"])}
    body = {"cliente_id": fresh_cliente(), "tipo_cuenta_id": 1, "moneda": "PEN", **change}
    response = http.post("/cuentas", json=body, headers={"Idempotency-Key": new_key()})
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


def test_opening_needs_a_valid_idempotency_key(http):
    body = {"cliente_id": fresh_cliente(), "tipo_cuenta_id": 1, "moneda": "PEN"}
    missing = http.post("/cuentas", json=body)
    assert missing.status_code == 428 and missing.json()["code"] == "idempotency_key_required"
    short = http.post("/cuentas", json=body, headers={"Idempotency-Key": "abc"})
    assert short.status_code == 422 and short.json()["code"] == "invalid_idempotency_key"


def test_a_rejected_opening_can_be_corrected_with_the_same_key(http):
    key = new_key()
    body = {"cliente_id": fresh_cliente(), "tipo_cuenta_id": 42, "moneda": "PEN"}
    assert http.post("/cuentas", json=body, headers={"Idempotency-Key": key}).status_code == 422
    fixed = http.post(
        "/cuentas", json={**body, "tipo_cuenta_id": 1}, headers={"Idempotency-Key": key}
    )
    assert fixed.status_code == 201


# --- reads --------------------------------------------------------------------------------------------
def test_get_by_id_and_by_number(http, bank: Bank):
    cuenta = bank.open("3")
    by_number = http.get(f"/cuentas/numero/{cuenta['numero_cuenta']}")
    assert by_number.status_code == 200 and by_number.json() == cuenta
    for path, status, code in [
        ("/cuentas/2147483647", 404, "cuenta_inexistente"),
        ("/cuentas/numero/19199999999990", 404, "cuenta_inexistente"),
        ("/cuentas/numero/19a", 422, "validation_error"),
        ("/cuentas/0", 422, "validation_error"),
        ("/cuentas/2147483648", 422, "validation_error"),
        ("/cuentas/x", 422, "validation_error"),
    ]:
        response = http.get(path)
        assert (response.status_code, response.json()["code"]) == (status, code), path


def test_get_by_id_fast_lane_answers_as_the_route(http, bank: Bank):
    """GET /cuentas/{id} is served by the fast lane (services/common/fast_read.py); an id
    with a leading zero is not its plain form, so the route itself answers it: same bytes."""
    cuenta = bank.open("12.30", moneda="USD")
    fast = http.get(f"/cuentas/{cuenta['cuenta_id']}")
    routed = http.get(f"/cuentas/0{cuenta['cuenta_id']}")
    assert fast.status_code == routed.status_code == 200
    assert fast.content == routed.content and fast.json() == cuenta
    for header in ("content-type", "content-length", "vary"):
        assert fast.headers[header] == routed.headers[header]
    assert fast.headers["x-instance"] and fast.headers["x-request-id"]


def test_list_filters_and_paginates_in_cuenta_id_order(http, bank: Bank):
    cliente_id = fresh_cliente()
    opened = [
        bank.open("1", moneda="PEN", cliente_id=cliente_id),
        bank.open("2", moneda="USD", cliente_id=cliente_id, tipo_cuenta_id=4),
        bank.open("3", moneda="PEN", cliente_id=cliente_id, tipo_cuenta_id=4),
    ]
    ids = [c["cuenta_id"] for c in opened]
    page = http.get("/cuentas", params={"cliente_id": cliente_id}).json()
    assert [c["cuenta_id"] for c in page["items"]] == ids and page["next_offset"] is None
    first = http.get("/cuentas", params={"cliente_id": cliente_id, "limit": 2}).json()
    assert [c["cuenta_id"] for c in first["items"]] == ids[:2] and first["next_offset"] == 2
    rest = http.get("/cuentas", params={"cliente_id": cliente_id, "limit": 2, "offset": 2}).json()
    assert [c["cuenta_id"] for c in rest["items"]] == ids[2:] and rest["next_offset"] is None

    def ids_for(**filters) -> list[int]:
        items = http.get("/cuentas", params={"cliente_id": cliente_id, **filters}).json()["items"]
        return [c["cuenta_id"] for c in items]

    assert ids_for(moneda="USD") == [ids[1]]
    assert ids_for(tipo_cuenta_id=4) == ids[1:]
    assert ids_for(tipo_cuenta_id=4, moneda="PEN") == [ids[2]]
    http.patch(f"/cuentas/{ids[0]}/estado", json={"estado": "bloqueada"})
    assert ids_for(estado="bloqueada") == [ids[0]]
    assert ids_for(estado="activa") == ids[1:]
    # every page of the whole table is bounded and ordered
    whole = http.get("/cuentas", params={"limit": 200}).json()
    assert len(whole["items"]) <= 200
    assert [c["cuenta_id"] for c in whole["items"]] == sorted(
        c["cuenta_id"] for c in whole["items"]
    )
    for params in (
        {"limit": 201},
        {"limit": 0},
        {"offset": -1},
        {"estado": "x"},
        {"moneda": "pen"},
    ):
        assert http.get("/cuentas", params=params).status_code == 422, params


def test_accounts_of_a_client(http, bank: Bank):
    cliente_id = fresh_cliente()
    ids = [bank.open("1", cliente_id=cliente_id)["cuenta_id"] for _ in range(3)]
    page = http.get(f"/cuentas/cliente/{cliente_id}", params={"limit": 2}).json()
    assert page["total"] == 3 and [c["cuenta_id"] for c in page["items"]] == ids[:2]
    assert page["next_offset"] == 2
    # a known client without accounts is an empty page; an unknown one is 404
    empty = http.get(f"/cuentas/cliente/{fresh_cliente()}")
    assert empty.status_code == 200 and empty.json()["items"] == [] and empty.json()["total"] == 0
    unknown = http.get(f"/cuentas/cliente/{UNKNOWN_CLIENTE}")
    assert unknown.status_code == 404 and unknown.json()["code"] == "cliente_inexistente"


def test_journal_is_paginated_newest_first(http, bank: Bank):
    cuenta_id = bank.open("100")["cuenta_id"]
    for monto in ("1.00", "2.00", "3.00"):
        assert bank.move(cuenta_id, monto, "retiro").status_code == 200
    page = http.get(f"/cuentas/{cuenta_id}/movimientos", params={"limit": 3}).json()
    assert [(m["tipo"], m["monto"], m["saldo_resultante"]) for m in page["items"]] == [
        ("RETIRO", "-3.00", "94.00"),
        ("RETIRO", "-2.00", "97.00"),
        ("RETIRO", "-1.00", "99.00"),
    ]
    assert page["next_offset"] == 3
    last = http.get(f"/cuentas/{cuenta_id}/movimientos", params={"limit": 3, "offset": 3}).json()
    assert [m["tipo"] for m in last["items"]] == ["APERTURA"] and last["next_offset"] is None
    assert last["items"][0]["created_at"].endswith("Z")
    missing = http.get("/cuentas/2147483647/movimientos")
    assert missing.status_code == 404 and missing.json()["code"] == "cuenta_inexistente"


# --- deposits and withdrawals ---------------------------------------------------------------------------
def test_deposit_and_withdraw_are_exact_and_journaled(bank: Bank):
    cuenta_id = bank.open("0.10")["cuenta_id"]
    key = new_key()
    deposit = bank.move(cuenta_id, "0.20", "deposito", key)
    assert deposit.status_code == 200 and deposit.json()["saldo"] == "0.30"
    assert deposit.json()["version"] == 1
    withdrawal = bank.move(cuenta_id, "0.3", "retiro")
    assert withdrawal.json()["saldo"] == "0.00" and withdrawal.json()["version"] == 2
    assert bank.journal(cuenta_id)[1] == (
        transaccion_id_for(key),
        "DEPOSITO",
        Decimal("0.20"),
        Decimal("0.30"),
    )
    bank.assert_balanced(cuenta_id)


def test_overdraft_is_refused_and_the_refusal_is_replayed(bank: Bank):
    cuenta_id = bank.open("10")["cuenta_id"]
    key = new_key()
    refused = bank.move(cuenta_id, "10.01", "retiro", key)
    assert refused.status_code == 409 and refused.json()["code"] == "saldo_insuficiente"
    bank.move(cuenta_id, "100", "deposito")
    # the same request with the same key gets the first answer, even though it would pass now
    replay = bank.move(cuenta_id, "10.01", "retiro", key)
    assert replay.status_code == 409 and replay.content == refused.content
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert bank.saldo(cuenta_id) == Decimal("110.00")
    bank.assert_balanced(cuenta_id)


def test_same_key_other_request_is_409(bank: Bank):
    cuenta_id = bank.open("10")["cuenta_id"]
    key = new_key()
    assert bank.move(cuenta_id, "1", "retiro", key).status_code == 200
    for monto, operacion, target in (("2", "retiro", cuenta_id), ("1", "deposito", cuenta_id)):
        reused = bank.move(target, monto, operacion, key)
        assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    other_account = bank.open("10")["cuenta_id"]
    assert bank.move(other_account, "1", "retiro", key).status_code == 409
    assert bank.saldo(cuenta_id) == Decimal("9.00") and bank.saldo(other_account) == Decimal(
        "10.00"
    )


@pytest.mark.parametrize(
    "body",
    [
        {"monto": "0", "operacion": "deposito"},
        {"monto": "-5", "operacion": "deposito"},
        {"monto": "-5", "operacion": "retiro"},
        {"monto": "1.001", "operacion": "deposito"},
        {"monto": "NaN", "operacion": "deposito"},
        {"monto": "abc", "operacion": "deposito"},
        {"monto": "10000000000000.00", "operacion": "deposito"},
        {"monto": "5", "operacion": "transferencia"},
        {"monto": "5"},
        {"monto": "5", "operacion": "deposito", "extra": 1},
    ],
)
def test_bad_amounts_are_422_and_change_nothing(bank: Bank, body):
    cuenta_id = bank.open("10")["cuenta_id"]
    response = bank.http.patch(
        f"/cuentas/{cuenta_id}/saldo", json=body, headers={"Idempotency-Key": new_key()}
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert bank.saldo(cuenta_id) == Decimal("10.00")


def test_balance_cannot_exceed_decimal_15_2(bank: Bank):
    cuenta_id = bank.open("9999999999999.99")["cuenta_id"]
    response = bank.move(cuenta_id, "0.01", "deposito")
    assert response.status_code == 422 and response.json()["code"] == "saldo_excede_maximo"
    bank.assert_balanced(cuenta_id)


def test_balance_changes_need_an_active_existing_account_and_a_key(bank: Bank, http):
    cuenta_id = bank.open("10")["cuenta_id"]
    missing = http.patch(f"/cuentas/{cuenta_id}/saldo", json={"monto": "1", "operacion": "retiro"})
    assert missing.status_code == 428
    unknown = bank.move(2147483647, "1", "deposito")
    assert unknown.status_code == 404 and unknown.json()["code"] == "cuenta_inexistente"
    http.patch(f"/cuentas/{cuenta_id}/estado", json={"estado": "bloqueada"})
    blocked = bank.move(cuenta_id, "1", "deposito")
    assert blocked.status_code == 409 and blocked.json()["code"] == "cuenta_no_activa"
    assert bank.saldo(cuenta_id) == Decimal("10.00")


# --- state machine and delete --------------------------------------------------------------------------------
def test_state_machine(http, bank: Bank):
    cuenta_id = bank.open("5")["cuenta_id"]

    def estado(target: str) -> httpx.Response:
        return http.patch(f"/cuentas/{cuenta_id}/estado", json={"estado": target})

    assert estado("bloqueada").json()["estado"] == "bloqueada"
    assert estado("bloqueada").status_code == 200  # already there: a no-op
    assert estado("activa").json()["estado"] == "activa"
    not_zero = estado("cerrada")
    assert not_zero.status_code == 409 and not_zero.json()["code"] == "saldo_no_cero"
    bank.move(cuenta_id, "5", "retiro")
    estado("bloqueada")
    assert estado("cerrada").json()["estado"] == "cerrada"  # bloqueada -> cerrada at 0
    for target in ("activa", "bloqueada"):
        final = estado(target)
        assert final.status_code == 409 and final.json()["code"] == "cuenta_cerrada"
    assert estado("cerrada").status_code == 200
    closed = bank.move(cuenta_id, "1", "deposito")
    assert closed.status_code == 409 and closed.json()["code"] == "cuenta_no_activa"
    assert estado("abierta").status_code == 422
    unknown = http.patch("/cuentas/2147483647/estado", json={"estado": "bloqueada"})
    assert unknown.status_code == 404


def test_delete_only_a_closed_account_and_keep_its_history(http, bank: Bank):
    cuenta = bank.open("5")
    cuenta_id = cuenta["cuenta_id"]
    with_money = http.delete(f"/cuentas/{cuenta_id}")
    assert with_money.status_code == 409 and with_money.json()["code"] == "saldo_no_cero"
    bank.move(cuenta_id, "5", "retiro")
    still_open = http.delete(f"/cuentas/{cuenta_id}")
    assert still_open.status_code == 409 and still_open.json()["code"] == "cuenta_no_cerrada"
    http.patch(f"/cuentas/{cuenta_id}/estado", json={"estado": "cerrada"})
    deleted = http.delete(f"/cuentas/{cuenta_id}")
    assert deleted.status_code == 200 and deleted.json()["estado"] == "cerrada"
    # soft delete: the account and its journal stay
    assert http.get(f"/cuentas/{cuenta_id}").status_code == 200
    assert len(bank.journal(cuenta_id)) == 2
    assert http.delete(f"/cuentas/{cuenta_id}").status_code == 200
    assert http.delete("/cuentas/2147483647").status_code == 404
