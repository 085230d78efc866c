"""Every endpoint of transacciones and its error paths, against the real stack (transacciones
→ HAProxy → both cuentas instances → MariaDB; MongoDB wire protocol)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
import redis
from click.testing import CliRunner
from transacciones_support import (
    audit,
    client,
    deposit,
    new_key,
    post,
    transfer,
    wait_settled,
    withdrawal,
)
from ulid import ULID

from infra.local.cli import main as cli
from services.common.auth import Role, issue_token
from services.common.settings import get_settings
from services.transacciones.notify import CHANNEL, Notifier

pytestmark = pytest.mark.stack


def _ok(response, estado: str = "COMPLETADA") -> dict:
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["estado"] == estado, body
    return body


# --- auth and method rules ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/transacciones"),
        ("POST", "/transacciones"),
        ("GET", "/transacciones/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
        ("GET", "/transacciones/cuenta/1"),
        ("GET", "/transacciones/tipo/DEPOSITO"),
        ("GET", "/transacciones/estado/COMPLETADA"),
        ("POST", "/transacciones/01ARZ3NDEKTSV4RRFFQ69G5FAV/reversa"),
    ],
)
def test_every_endpoint_needs_a_token_with_the_scope(api, settings, method, path):
    bare = api.request(method, path, headers={"Authorization": ""})
    assert bare.status_code == 401 and bare.json()["code"] == "unauthorized"
    analyst = issue_token("ana", Role.ANALISTA, settings)
    wrong = api.request(method, path, headers={"Authorization": f"Bearer {analyst}"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "forbidden"


def test_health_needs_no_token(api):
    assert api.get("/health", headers={"Authorization": ""}).status_code == 200
    ready = api.get("/health/ready", headers={"Authorization": ""})
    assert ready.status_code == 200 and ready.json()["checks"]["mongo"]["ok"] is True


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_transactions_cannot_be_edited_or_deleted(api, ledger, method):
    cuenta = ledger.open_account()
    tx = _ok(post(api, deposit(cuenta, "10.00")))
    response = api.request(method, f"/transacciones/{tx['transaccion_id']}", json={"estado": "X"})
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed", "code": "method_not_allowed"}
    assert api.get(f"/transacciones/{tx['transaccion_id']}").json() == tx


# --- POST: validation -------------------------------------------------------------------------
def test_post_requires_an_idempotency_key(api, ledger):
    cuenta = ledger.open_account()
    response = api.post("/transacciones", json=deposit(cuenta, "1.00"))
    assert response.status_code == 428
    assert response.json()["code"] == "idempotency_key_required"
    short = api.post(
        "/transacciones", json=deposit(cuenta, "1.00"), headers={"Idempotency-Key": "x"}
    )
    assert short.status_code == 422 and short.json()["code"] == "invalid_idempotency_key"
    assert ledger.balances([cuenta])[cuenta] == 0


@pytest.mark.parametrize(
    "extra",
    [
        {"transaccion_id": "TRX12345"},
        {"estado": "COMPLETADA"},
        {"fecha": "2020-01-01T00:00:00"},
        {"id": "abc"},
        {"motivo": "x"},
        {"reversa_de": "01ARZ3NDEKTSV4RRFFQ69G5FAV"},
    ],
)
def test_server_set_and_unknown_fields_are_rejected(api, ledger, extra):
    cuenta = ledger.open_account()
    response = post(api, deposit(cuenta, "5.00") | extra)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"][0]["type"] == "extra_forbidden"
    assert ledger.balances([cuenta])[cuenta] == 0


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"tipo": "DEPOSITO", "monto": "1.00", "moneda": "PEN"}, "requires cuenta_destino_id"),
        (
            {
                "tipo": "DEPOSITO",
                "cuenta_origen_id": 1,
                "cuenta_destino_id": 2,
                "monto": "1.00",
                "moneda": "PEN",
            },
            "does not take cuenta_origen_id",
        ),
        ({"tipo": "RETIRO", "cuenta_destino_id": 2, "monto": "1.00", "moneda": "PEN"}, "RETIRO"),
        ({"tipo": "PAGO_SERVICIO", "monto": "1.00", "moneda": "PEN"}, "requires cuenta_origen"),
        (
            {"tipo": "TRANSFERENCIA", "cuenta_origen_id": 3, "monto": "1.00", "moneda": "PEN"},
            "requires cuenta_destino_id",
        ),
        (
            {
                "tipo": "TRANSFERENCIA",
                "cuenta_origen_id": 3,
                "cuenta_destino_id": 3,
                "monto": "1.00",
                "moneda": "PEN",
            },
            "must differ",
        ),
        ({"tipo": "REVERSA", "cuenta_destino_id": 3, "monto": "1.00", "moneda": "PEN"}, "tipo"),
        ({"tipo": "PRESTAMO", "cuenta_destino_id": 3, "monto": "1.00", "moneda": "PEN"}, "tipo"),
        ({"tipo": "DEPOSITO", "cuenta_destino_id": 3, "monto": "1.00", "moneda": "GBP"}, "moneda"),
        ({"tipo": "DEPOSITO", "cuenta_destino_id": 0, "monto": "1.00", "moneda": "PEN"}, "greater"),
        ({"tipo": "DEPOSITO", "cuenta_destino_id": "3", "monto": "1.00", "moneda": "PEN"}, "int"),
        ({"tipo": "DEPOSITO", "cuenta_destino_id": True, "monto": "1", "moneda": "PEN"}, "int"),
        ({"tipo": "DEPOSITO", "cuenta_destino_id": 2**31, "monto": "1", "moneda": "PEN"}, "less"),
    ],
)
def test_accounts_must_match_the_tipo(api, body, why):
    response = post(api, body)
    assert response.status_code == 422, response.text
    assert why.lower() in json.dumps(response.json()).lower()


@pytest.mark.parametrize(
    "monto", ["0", "-5.00", "1.001", "abc", "NaN", "1e400", "10000000000000.00"]
)
def test_amounts_are_positive_exact_and_in_range(api, ledger, monto):
    cuenta = ledger.open_account()
    assert post(api, deposit(cuenta, monto)).status_code == 422
    assert ledger.balances([cuenta])[cuenta] == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("descripcion", "x" * 256),
        ("descripcion", 12),
        ("descripcion", "a\x00b"),
        ("metadata", "not an object"),
        ("metadata", {"k": "v" * 2100}),
        ("metadata", {"a": {"b": {"c": {"d": 1}}}}),  # four levels deep
        ("metadata", {"a": [[["x"]]]}),
        ("metadata", {"$where": 1}),
        ("metadata", {"a.b": 1}),
        ("metadata", {"big": 2**63}),
    ],
)
def test_descripcion_and_metadata_are_bounded(api, ledger, field, value):
    cuenta = ledger.open_account()
    response = post(api, deposit(cuenta, "1.00") | {field: value})
    assert response.status_code == 422, response.text
    assert ledger.balances([cuenta])[cuenta] == 0


@pytest.mark.parametrize(
    "raw",
    [
        b'{"tipo": "DEPOSITO", "cuenta_destino_id": %d, "monto": "1.00", "moneda": "PEN", '
        b'"descripcion": "\\ud800"}',
        b'{"tipo": "DEPOSITO", "cuenta_destino_id": %d, "monto": "1.00", "moneda": "PEN", '
        b'"metadata": {"x": NaN}}',
        b'{"tipo": "DEPOSITO", "cuenta_destino_id": %d, "monto": "1.00", "moneda": "PEN", '
        b'"metadata": {"\\udfff": 1}}',
        b'{"tipo": "DEPOSITO", "cuenta_destino_id": %d, ',
        b"[%d]",
    ],
)
def test_bodies_mongodb_or_json_cannot_hold_are_rejected_not_500(api, ledger, raw):
    cuenta = ledger.open_account()
    response = api.post(
        "/transacciones",
        content=raw % cuenta,
        headers={"Idempotency-Key": new_key(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert ledger.balances([cuenta])[cuenta] == 0


def test_metadata_and_descripcion_are_stored_as_sent(api, ledger):
    cuenta = ledger.open_account()
    metadata = {
        "canal": "web",
        "n": 1,
        "x": 1.5,
        "ok": True,
        "none": None,
        "geo": {"lat": -12.04, "tags": ["a", "b"]},
    }
    body = deposit(cuenta, "3.00") | {"descripcion": "Depósito — ñandú ✓", "metadata": metadata}
    tx = _ok(post(api, body))
    assert tx["metadata"] == metadata and tx["descripcion"] == body["descripcion"]
    assert api.get(f"/transacciones/{tx['transaccion_id']}").json() == tx


# --- POST: outcomes ----------------------------------------------------------------------------
def test_a_deposit_completes_and_is_in_the_journal(api, ledger, col):
    cuenta = ledger.open_account()
    response = post(api, {**deposit(cuenta, "100.5"), "tipo": "deposito"})
    tx = _ok(response)
    assert response.headers["Location"] == f"/transacciones/{tx['transaccion_id']}"
    assert tx["monto"] == "100.50" and tx["tipo"] == "DEPOSITO" and tx["moneda"] == "PEN"
    assert tx["cuenta_origen_id"] is None and tx["cuenta_destino_id"] == cuenta
    assert tx["motivo"] is None and tx["reversa_de"] is None
    assert tx["fecha"].endswith("Z") and tx["fecha"] == tx["created_at"]
    # a ULID of fecha's millisecond: lists sort and filter dates by it
    assert ULID.from_str(tx["transaccion_id"]).datetime == datetime.fromisoformat(tx["fecha"])
    assert ledger.legs_of(tx["transaccion_id"]) == {(cuenta, Decimal("100.50"))}
    assert ledger.balances([cuenta])[cuenta] == Decimal("100.50")
    stored = col.find_one({"transaccion_id": tx["transaccion_id"]})
    assert stored["monto"] == 10050 and isinstance(stored["monto"], int)  # int64 céntimos
    assert "lease_id" not in stored and stored["attempts"] == 1
    assert not audit(ledger, col, [cuenta], {cuenta: Decimal(0)}).problems


def test_transfer_withdrawal_and_service_payment_move_exact_amounts(api, ledger, col):
    a, b = ledger.open_account(saldo="100.00"), ledger.open_account(saldo="0.00")
    _ok(post(api, transfer(a, b, "33.33")))
    _ok(post(api, withdrawal(a, "0.01")))
    _ok(post(api, withdrawal(a, "66.66", tipo="PAGO_SERVICIO")))
    assert ledger.balances([a, b]) == {a: Decimal("0.00"), b: Decimal("33.33")}
    assert not audit(ledger, col, [a, b], {a: Decimal(100), b: Decimal(0)}).problems


@pytest.mark.parametrize(
    ("case", "motivo"),
    [
        ("insufficient", "saldo_insuficiente"),
        ("unknown_account", "cuenta_inexistente"),
        ("other_currency", "moneda_distinta"),
        ("blocked", "cuenta_no_activa"),
    ],
)
def test_rejections_are_recorded_and_write_nothing(api, ledger, col, case, motivo):
    a = ledger.open_account(saldo="10.00")
    b = ledger.open_account(moneda="USD" if case == "other_currency" else "PEN")
    if case == "blocked":
        ledger.set_estado(b, "bloqueada")
    destino = 2_000_000_000 if case == "unknown_account" else b
    monto = "10.01" if case == "insufficient" else "1.00"
    tx = _ok(post(api, transfer(a, destino, monto)), "RECHAZADA")
    assert tx["motivo"] == motivo
    assert ledger.legs_of(tx["transaccion_id"]) == set()
    assert ledger.balances([a, b]) == {a: Decimal("10.00"), b: Decimal("0.00")}
    assert api.get(f"/transacciones/{tx['transaccion_id']}").json() == tx
    assert not audit(ledger, col, [a, b], {a: Decimal(10), b: Decimal(0)}).problems


# --- idempotency -------------------------------------------------------------------------------
def test_same_key_same_request_returns_the_first_result(api, ledger, col):
    cuenta = ledger.open_account()
    key = new_key()
    first = post(api, deposit(cuenta, "150"), key)
    again = post(api, deposit(cuenta, "150.00"), key)  # the same amount, written otherwise
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert ledger.balances([cuenta])[cuenta] == Decimal("150.00")
    assert col.count_documents({"idempotency_key": key}) == 1


def test_a_rejection_is_replayed_too_even_when_it_would_now_pass(api, ledger):
    cuenta = ledger.open_account(saldo="1.00")
    key = new_key()
    first = _ok(post(api, withdrawal(cuenta, "5.00"), key), "RECHAZADA")
    _ok(post(api, deposit(cuenta, "10.00")))
    assert post(api, withdrawal(cuenta, "5.00"), key).json() == first
    assert ledger.balances([cuenta])[cuenta] == Decimal("11.00")


def test_same_key_with_another_request_is_409(api, ledger):
    a, b = ledger.open_account(saldo="50.00"), ledger.open_account()
    key = new_key()
    first = _ok(post(api, transfer(a, b, "5.00"), key))
    for mutated in (
        transfer(a, b, "5.01"),
        transfer(b, a, "5.00"),
        transfer(a, b, "5.00") | {"descripcion": "otra"},
        transfer(a, b, "5.00", moneda="USD"),
        deposit(b, "5.00"),
    ):
        response = post(api, mutated, key)
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "idempotency_key_reused"
    reversal = api.post(
        f"/transacciones/{first['transaccion_id']}/reversa", headers={"Idempotency-Key": key}
    )
    assert reversal.status_code == 409 and reversal.json()["code"] == "idempotency_key_reused"
    assert ledger.balances([a, b]) == {a: Decimal("45.00"), b: Decimal("5.00")}


# --- reads -------------------------------------------------------------------------------------
def test_get_one(api, ledger):
    tx = _ok(post(api, deposit(ledger.open_account(), "1.00")))
    assert api.get(f"/transacciones/{tx['transaccion_id']}").json() == tx
    missing = api.get("/transacciones/01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api.get("/transacciones/" + "x" * 41).status_code == 422
    assert api.get("/transacciones/a%20b").status_code == 422


def test_lists_are_newest_first_and_paginated(api, ledger):
    a, b = ledger.open_account(saldo="100.00"), ledger.open_account()
    made = [_ok(post(api, transfer(a, b, f"{i}.00")))["transaccion_id"] for i in range(1, 6)]
    made += [_ok(post(api, withdrawal(a, "500.00")), "RECHAZADA")["transaccion_id"]]
    page = api.get(f"/transacciones/cuenta/{a}", params={"limit": 4}).json()
    assert [t["transaccion_id"] for t in page["items"]] == made[::-1][:4]
    assert page["next_offset"] == 4 and page["limit"] == 4
    rest = api.get(f"/transacciones/cuenta/{a}", params={"limit": 4, "offset": 4}).json()
    assert [t["transaccion_id"] for t in rest["items"]] == made[::-1][4:]
    assert rest["next_offset"] is None
    # b is only a destination; its list has the transfers, not a's rejected withdrawal
    assert [
        t["transaccion_id"] for t in api.get(f"/transacciones/cuenta/{b}").json()["items"]
    ] == made[:5][::-1]
    assert api.get("/transacciones/cuenta/999999999").json()["items"] == []
    assert api.get("/transacciones/cuenta/0").status_code == 422
    assert api.get("/transacciones/cuenta/abc").status_code == 422
    assert api.get("/transacciones", params={"limit": 201}).status_code == 422
    assert api.get("/transacciones", params={"offset": -1}).status_code == 422


def test_list_filters(api, ledger):
    a, b = ledger.open_account(saldo="100.00"), ledger.open_account()
    usd = ledger.open_account(moneda="USD")
    dep = _ok(post(api, deposit(b, "1.00")))
    tra = _ok(post(api, transfer(a, b, "2.00")))
    ret = _ok(post(api, withdrawal(a, "999.00")), "RECHAZADA")
    dusd = _ok(post(api, deposit(usd, "3.00", moneda="USD")))

    def ids(**params):
        params.setdefault("limit", 200)
        response = api.get("/transacciones", params=params)
        assert response.status_code == 200, response.text
        return [t["transaccion_id"] for t in response.json()["items"]]

    mine = {"cuenta_id": [a, b, usd]}
    assert ids(**mine) == [t["transaccion_id"] for t in (dusd, ret, tra, dep)]
    assert ids(**mine, tipo="deposito") == [dusd["transaccion_id"], dep["transaccion_id"]]
    assert ids(**mine, estado="Rechazada") == [ret["transaccion_id"]]
    assert ids(**mine, moneda="usd") == [dusd["transaccion_id"]]
    assert ids(**mine, tipo="TRANSFERENCIA", estado="COMPLETADA") == [tra["transaccion_id"]]
    assert ids(cuenta_id=[a]) == [ret["transaccion_id"], tra["transaccion_id"]]
    for bad in (
        {"tipo": "PRESTAMO"},
        {"estado": "FALLIDA"},
        {"moneda": "GBP"},
        {"cuenta_id": 0},
        {"cuenta_id": list(range(1, 102))},
        {"desde": "ayer"},
    ):
        response = api.get("/transacciones", params=bad)
        assert response.status_code == 422, (bad, response.text)
    by_tipo = api.get("/transacciones/tipo/transferencia", params={"limit": 200}).json()
    assert all(t["tipo"] == "TRANSFERENCIA" for t in by_tipo["items"]) and by_tipo["items"]
    by_estado = api.get("/transacciones/estado/rechazada", params={"limit": 5}).json()
    assert all(t["estado"] == "RECHAZADA" for t in by_estado["items"]) and by_estado["items"]
    assert api.get("/transacciones/tipo/PRESTAMO").status_code == 422
    assert api.get("/transacciones/estado/FALLIDA").json()["code"] == "validation_error"


def test_date_range_is_inclusive_start_exclusive_end_to_the_millisecond(api, ledger, col):
    """[desde, hasta) exactly, also when both bounds fall inside one second (nx-27017 compares
    datetimes in whole seconds; the service works around it)."""
    cuenta = ledger.open_account()
    made = []
    while len(made) < 3 or made[-1]["fecha"][:19] != made[-2]["fecha"][:19]:
        made.append(_ok(post(api, deposit(cuenta, "1.00"))))  # until two share a second
        assert len(made) < 50
    first, second = made[-2], made[-1]
    assert first["fecha"] < second["fecha"]

    def ids(desde=None, hasta=None, **params):
        params = {"cuenta_id": cuenta, "limit": 200, "desde": desde, "hasta": hasta, **params}
        response = api.get("/transacciones", params={k: v for k, v in params.items() if v})
        assert response.status_code == 200, response.text
        return [t["transaccion_id"] for t in response.json()["items"]]

    assert ids(first["fecha"], second["fecha"]) == [first["transaccion_id"]]
    assert ids(second["fecha"]) == [second["transaccion_id"]]
    assert first["transaccion_id"] not in ids(hasta=first["fecha"])
    assert ids(first["fecha"], hasta=None)[:2] == [
        second["transaccion_id"],
        first["transaccion_id"],
    ]
    # without cuenta_id too (the one-query path), newest first, offsets counted exactly
    everything = ids(first["fecha"], second["fecha"], cuenta_id=None)
    assert first["transaccion_id"] in everything and second["transaccion_id"] not in everything
    assert ids(first["fecha"], second["fecha"], cuenta_id=None, offset=len(everything)) == []
    # a zone other than UTC means the same instant; a bare date is midnight UTC
    assert ids(first["fecha"].replace("Z", "+00:00")) == ids(first["fecha"])
    today = first["fecha"][:10]
    assert set(ids(today)) >= {first["transaccion_id"], second["transaccion_id"]}
    assert ids(second["fecha"], second["fecha"]) == []  # [t, t) is empty
    # any date the API accepts works, before 1970 and far in the future too
    assert second["transaccion_id"] in ids("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")
    assert ids("0885-04-16T15:45:38+20:47", "1969-12-31T23:59:59.999Z") == []
    backwards = api.get(
        "/transacciones", params={"desde": second["fecha"], "hasta": first["fecha"]}
    )
    assert backwards.status_code == 422


# --- reversals ---------------------------------------------------------------------------------
def _reverse(api, transaccion_id: str, key: str | None = None, **body):
    return api.post(
        f"/transacciones/{transaccion_id}/reversa",
        json=body or None,
        headers={"Idempotency-Key": key or new_key()},
    )


def test_reversal_of_a_transfer_moves_the_money_back(api, ledger, col):
    a, b = ledger.open_account(saldo="80.00"), ledger.open_account()
    original = _ok(post(api, transfer(a, b, "30.00")))
    stored_before = col.find_one({"transaccion_id": original["transaccion_id"]}, {"_id": 0})
    key = new_key()
    response = _reverse(api, original["transaccion_id"], key, descripcion="error del cajero")
    reversal = _ok(response)
    assert reversal["tipo"] == "REVERSA" and reversal["reversa_de"] == original["transaccion_id"]
    assert (reversal["cuenta_origen_id"], reversal["cuenta_destino_id"]) == (b, a)
    assert reversal["monto"] == "30.00" and reversal["descripcion"] == "error del cajero"
    assert ledger.legs_of(reversal["transaccion_id"]) == {
        (b, Decimal("-30.00")),
        (a, Decimal("30.00")),
    }
    assert ledger.balances([a, b]) == {a: Decimal("80.00"), b: Decimal("0.00")}
    # the original is untouched, and stays COMPLETADA
    assert col.find_one({"transaccion_id": original["transaccion_id"]}, {"_id": 0}) == stored_before
    assert api.get(f"/transacciones/{original['transaccion_id']}").json() == original
    # replay, second reversal, reversal of the reversal
    assert (
        _reverse(api, original["transaccion_id"], key, descripcion="error del cajero").json()
        == reversal
    )
    twice = _reverse(api, original["transaccion_id"])
    assert twice.status_code == 409 and twice.json()["code"] == "ya_revertida"
    assert twice.json()["detail"]["reversa"] == reversal["transaccion_id"]
    again = _reverse(api, reversal["transaccion_id"])
    assert again.status_code == 409 and again.json()["code"] == "no_reversible"
    listed = api.get("/transacciones/tipo/reversa", params={"limit": 200}).json()["items"]
    assert reversal["transaccion_id"] in [t["transaccion_id"] for t in listed]
    assert not audit(ledger, col, [a, b], {a: Decimal(80), b: Decimal(0)}).problems


def test_reversal_of_a_deposit_debits_and_of_a_withdrawal_credits(api, ledger, col):
    cuenta = ledger.open_account(saldo="10.00")
    dep = _ok(post(api, deposit(cuenta, "5.00")))
    ret = _ok(post(api, withdrawal(cuenta, "2.00", tipo="PAGO_SERVICIO")))
    rev_dep = _ok(_reverse(api, dep["transaccion_id"]))
    assert (rev_dep["cuenta_origen_id"], rev_dep["cuenta_destino_id"]) == (cuenta, None)
    rev_ret = _ok(_reverse(api, ret["transaccion_id"]))
    assert (rev_ret["cuenta_origen_id"], rev_ret["cuenta_destino_id"]) == (None, cuenta)
    assert ledger.balances([cuenta])[cuenta] == Decimal("10.00")
    assert not audit(ledger, col, [cuenta], {cuenta: Decimal(10)}).problems


def test_a_rejected_reversal_does_not_count(api, ledger, col):
    a, b = ledger.open_account(saldo="20.00"), ledger.open_account()
    original = _ok(post(api, transfer(a, b, "20.00")))
    _ok(post(api, withdrawal(b, "15.00")))  # b can no longer give the 20 back
    rejected = _ok(_reverse(api, original["transaccion_id"]), "RECHAZADA")
    assert rejected["motivo"] == "saldo_insuficiente"
    assert ledger.legs_of(rejected["transaccion_id"]) == set()
    _ok(post(api, deposit(b, "15.00")))
    _ok(_reverse(api, original["transaccion_id"]))  # now it can be reversed
    assert ledger.balances([a, b]) == {a: Decimal("20.00"), b: Decimal("0.00")}
    assert not audit(ledger, col, [a, b], {a: Decimal(20), b: Decimal(0)}).problems


def test_reversal_errors(api, ledger):
    cuenta = ledger.open_account(saldo="1.00")
    rejected = _ok(post(api, withdrawal(cuenta, "2.00")), "RECHAZADA")
    response = _reverse(api, rejected["transaccion_id"])
    assert response.status_code == 409 and response.json()["code"] == "no_reversible"
    assert _reverse(api, "01ARZ3NDEKTSV4RRFFQ69G5FAV").status_code == 404
    tx = _ok(post(api, deposit(cuenta, "1.00")))
    no_key = api.post(f"/transacciones/{tx['transaccion_id']}/reversa")
    assert no_key.status_code == 428
    extra = _reverse(api, tx["transaccion_id"], monto="1.00")
    assert extra.status_code == 422 and extra.json()["detail"][0]["type"] == "extra_forbidden"
    assert ledger.balances([cuenta])[cuenta] == Decimal("2.00")


# --- cuentas unreachable: 202, then recovery ---------------------------------------------------
def test_when_cuentas_is_unreachable_the_transaction_waits_and_recovery_finishes_it(
    api, ledger, col, instance, settings, monkeypatch
):
    # an instance whose cuentas address answers nothing (the port of no server)
    url = instance(
        "transacciones-no-cuentas",
        cuentas_port=settings.transacciones_port + 90,
        transacciones_lease_seconds=1,
        transacciones_recovery_interval_seconds=0,
    )
    cuenta = ledger.open_account()
    key = new_key()
    with client(settings, url) as lonely:
        response = post(lonely, deposit(cuenta, "7.00"), key)
        assert response.status_code == 202, response.text
        pending = response.json()
        assert pending["estado"] == "PENDIENTE"
        assert response.headers["Location"] == f"/transacciones/{pending['transaccion_id']}"
        assert lonely.get(f"/transacciones/{pending['transaccion_id']}").json() == pending
        # nothing ever reached cuentas, so the lease is over at once: a retry posts again
        assert col.find_one({"idempotency_key": key})["lease_until"] <= datetime.now(UTC)
        retry = post(lonely, deposit(cuenta, "7.00"), key)
        assert retry.json()["transaccion_id"] == pending["transaccion_id"]
        # still pending, unless the stack's own recovery timer (it has cuentas) got there first
        assert (retry.status_code, retry.json()["estado"]) in (
            (202, "PENDIENTE"),
            (201, "COMPLETADA"),
        )
    assert ledger.balances([cuenta])[cuenta] == 0
    time.sleep(1.1)  # its lease is over
    monkeypatch.setenv("CLOUDBANK_TRANSACCIONES_LEASE_SECONDS", "1")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["recover"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    [done] = wait_settled(col, [pending["transaccion_id"]])
    assert done["estado"] == "COMPLETADA" and done["attempts"] >= 2
    assert ledger.balances([cuenta])[cuenta] == Decimal("7.00")
    # the client's retry now gets the finished transaction
    replay = post(api, deposit(cuenta, "7.00"), key)
    assert replay.status_code == 201 and replay.json()["estado"] == "COMPLETADA"
    assert not audit(ledger, col, [cuenta], {cuenta: Decimal(0)}).problems


# --- cache invalidation for perfil360 ---------------------------------------------------------
def test_a_completed_transaction_invalidates_the_profile_cache(api, ledger, settings):
    a, b = ledger.open_account(saldo="5.00"), ledger.open_account()
    cache = redis.Redis.from_url(settings.redis_url)
    pubsub = cache.pubsub()
    pubsub.subscribe(CHANNEL)
    assert pubsub.get_message(timeout=2)["type"] == "subscribe"
    for cuenta in (a, b):
        cache.set(f"perfil360:cuenta:{cuenta}", "cached", ex=60)
    tx = _ok(post(api, transfer(a, b, "1.00")))
    assert cache.exists(f"perfil360:cuenta:{a}", f"perfil360:cuenta:{b}") == 0
    messages = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
        if message and message["type"] == "message":
            messages.append(json.loads(message["data"]))
            if messages[-1]["transaccion_id"] == tx["transaccion_id"]:
                break
    assert {"transaccion_id": tx["transaccion_id"], "cuenta_ids": [a, b]} in messages
    # a rejection changes no balance: nothing to invalidate
    cache.set(f"perfil360:cuenta:{a}", "cached", ex=60)
    _ok(post(api, withdrawal(a, "100.00")), "RECHAZADA")
    assert cache.exists(f"perfil360:cuenta:{a}") == 1
    pubsub.close()
    cache.close()


def test_redis_down_never_fails_or_stalls_a_transaction(settings):
    """Notifications to a Redis that is not there return quietly (nothing listens on the port)."""
    notifier = Notifier(f"redis://{settings.host}:{settings.port(settings.redis_port) + 91}/0")

    async def notify_five_times() -> None:
        for _ in range(5):  # the first failure opens the breaker; the rest return at once
            await notifier.completed({"transaccion_id": "X", "cuenta_destino_id": 1})
        await notifier.aclose()

    started = time.monotonic()
    asyncio.run(notify_five_times())
    assert time.monotonic() - started < 2


def test_recover_command(tx_stack):
    result = CliRunner().invoke(cli, ["recover"])
    assert result.exit_code == 0, result.output
    assert "PENDIENTE" not in result.output


def test_mongodb_down_is_503_not_500(settings, monkeypatch):
    """The app in-process, its MongoDB address answering nothing."""
    monkeypatch.setenv("CLOUDBANK_MONGO_URL", f"mongodb://{settings.host}:{settings.port(1)}")
    monkeypatch.setenv("CLOUDBANK_TRANSACCIONES_RECOVERY_INTERVAL_SECONDS", "0")
    get_settings.cache_clear()
    from services.transacciones.main import app

    headers = {"Authorization": f"Bearer {issue_token('t', Role.CAJERO, settings)}"}

    async def calls() -> list[httpx.Response]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://t", headers=headers
            ) as http:
                return [
                    await http.get("/health/ready"),
                    await http.get("/transacciones/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
                    await http.post(
                        "/transacciones",
                        json=deposit(1, "1.00"),
                        headers={"Idempotency-Key": new_key()},
                    ),
                ]

    try:
        ready, one, created = asyncio.run(calls())
    finally:
        get_settings.cache_clear()
    assert ready.status_code == 503
    for response in (one, created):
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "unavailable"


def test_migrate_creates_the_indexes_and_drops_obsolete_ones(col, settings):
    col.create_index([("tipo", 1), ("fecha", -1), ("transaccion_id", -1)], name="tipo_fecha")
    result = subprocess.run(
        [sys.executable, "-m", "services.transacciones.migrate"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    fields = {tuple(k for k, _ in info["key"]) for info in col.index_information().values()}
    assert ("tipo", "fecha", "transaccion_id") not in fields
    assert {("transaccion_id",), ("idempotency_key",), ("reversa_lock",)} <= fields
    assert {(x, "transaccion_id") for x in ("cuenta_origen_id", "tipo", "estado")} <= fields
