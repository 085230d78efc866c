"""POST /movimientos: atomic, all-or-nothing postings, replays and their conflicts."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from cuentas_support import Bank


def tx_id() -> str:
    return f"TX-{uuid.uuid4().hex[:24]}"


def test_transfer_moves_money_atomically_and_journals_each_leg(bank: Bank):
    a, b = bank.open("100")["cuenta_id"], bank.open("5")["cuenta_id"]
    transaccion_id = tx_id()
    response = bank.post(transaccion_id, "TRANSFERENCIA", [(b, "30.25"), (a, "-30.25")])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["transaccion_id"] == transaccion_id and body["estado"] == "APLICADA"
    assert body["legs"] == [
        {"cuenta_id": a, "monto": "-30.25", "saldo_resultante": "69.75"},
        {"cuenta_id": b, "monto": "30.25", "saldo_resultante": "35.25"},
    ]
    assert body["aplicada_en"].endswith("Z")
    assert bank.saldo(a) == Decimal("69.75") and bank.saldo(b) == Decimal("35.25")
    assert bank.legs_of(transaccion_id) == [(a, Decimal("-30.25")), (b, Decimal("30.25"))]
    bank.assert_balanced(a, b)
    account = bank.http.get(f"/cuentas/{a}").json()
    assert account["version"] == 1


def test_replay_is_a_no_op_answering_the_first_outcome(bank: Bank):
    a, b = bank.open("100")["cuenta_id"], bank.open("0")["cuenta_id"]
    transaccion_id = tx_id()
    first = bank.post(transaccion_id, "TRANSFERENCIA", [(a, "-10"), (b, "10")])
    bank.post(tx_id(), "DEPOSITO", [(a, "1")])  # the balance moves on in between
    # legs in another order are the same posting
    replay = bank.post(transaccion_id, "TRANSFERENCIA", [(b, "10.00"), (a, "-10.00")])
    assert replay.status_code == 200 and replay.content == first.content
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert bank.saldo(a) == Decimal("91.00") and bank.saldo(b) == Decimal("10.00")
    assert len(bank.legs_of(transaccion_id)) == 2


@pytest.mark.parametrize(
    "other",
    [
        ("TRANSFERENCIA", "amount", "PEN"),
        ("TRANSFERENCIA", "account", "PEN"),
        ("PAGO_SERVICIO", "same", "PEN"),
        ("TRANSFERENCIA", "fewer", "PEN"),
    ],
)
def test_a_replay_with_other_legs_is_409(bank: Bank, other):
    a, b, c = (bank.open("100")["cuenta_id"] for _ in range(3))
    transaccion_id = tx_id()
    assert bank.post(transaccion_id, "TRANSFERENCIA", [(a, "-10"), (b, "10")]).status_code == 200
    tipo, change, moneda = other
    legs = {
        "amount": [(a, "-11"), (b, "11")],
        "account": [(a, "-10"), (c, "10")],
        "same": [(a, "-10"), (b, "10")],
        "fewer": [(a, "-10"), (b, "5"), (c, "5")],
    }[change]
    conflict = bank.post(transaccion_id, tipo, legs, moneda)
    assert conflict.status_code == 409 and conflict.json()["code"] == "transaccion_conflicto"
    assert [bank.saldo(x) for x in (a, b, c)] == [
        Decimal("90.00"),
        Decimal("110.00"),
        Decimal("100.00"),
    ]


def test_a_transfer_without_funds_writes_nothing(bank: Bank):
    a, b = bank.open("10")["cuenta_id"], bank.open("0")["cuenta_id"]
    before = (bank.journal(a), bank.journal(b))
    transaccion_id = tx_id()
    refused = bank.post(transaccion_id, "TRANSFERENCIA", [(a, "-10.01"), (b, "10.01")])
    assert refused.status_code == 409 and refused.json()["code"] == "saldo_insuficiente"
    assert str(a) in refused.json()["detail"]
    assert (bank.journal(a), bank.journal(b)) == before
    assert bank.saldo(a) == Decimal("10.00") and bank.saldo(b) == Decimal("0.00")
    assert bank.legs_of(transaccion_id) == []
    # a rejection is not remembered: the same id is evaluated again (and now passes)
    bank.post(tx_id(), "DEPOSITO", [(a, "1")])
    assert (
        bank.post(transaccion_id, "TRANSFERENCIA", [(a, "-10.01"), (b, "10.01")]).status_code == 200
    )
    bank.assert_balanced(a, b)


def test_every_account_must_exist_be_active_and_in_the_currency(bank: Bank):
    a = bank.open("100")["cuenta_id"]
    usd = bank.open("100", moneda="USD")["cuenta_id"]
    blocked = bank.open("100")["cuenta_id"]
    bank.http.patch(f"/cuentas/{blocked}/estado", json={"estado": "bloqueada"})
    cases = [
        ([(a, "-5"), (2147483647, "5")], 422, "cuenta_inexistente"),
        ([(a, "-5"), (usd, "5")], 422, "moneda_distinta"),
        ([(a, "-5"), (blocked, "5")], 409, "cuenta_no_activa"),
        ([(blocked, "-5"), (a, "5")], 409, "cuenta_no_activa"),
    ]
    for legs, status, code in cases:
        response = bank.post(tx_id(), "TRANSFERENCIA", legs)
        assert (response.status_code, response.json()["code"]) == (status, code), legs
    assert bank.saldo(a) == bank.saldo(usd) == bank.saldo(blocked) == Decimal("100.00")
    # the USD account is reachable in its own currency
    assert bank.post(tx_id(), "DEPOSITO", [(usd, "5")], moneda="USD").status_code == 200


@pytest.mark.parametrize(
    ("tipo", "legs", "code"),
    [
        ("TRANSFERENCIA", [("A", "-5"), ("B", "4")], "legs_no_cuadran"),
        ("TRANSFERENCIA", [("A", "-5")], "legs_no_cuadran"),
        ("TRANSFERENCIA", [("A", "-5"), ("A", "5")], "cuenta_repetida"),
        ("DEPOSITO", [("A", "-5")], "signo_invalido"),
        ("RETIRO", [("A", "5")], "signo_invalido"),
        ("PAGO_SERVICIO", [("A", "5")], "signo_invalido"),
        ("DEPOSITO", [("A", "5"), ("B", "-5")], "legs_invalidos"),
        ("REVERSA", [("A", "5"), ("B", "-4")], "legs_no_cuadran"),
    ],
)
def test_leg_rules(bank: Bank, tipo, legs, code):
    ids = {"A": bank.open("100")["cuenta_id"], "B": bank.open("100")["cuenta_id"]}
    response = bank.post(tx_id(), tipo, [(ids[x], m) for x, m in legs])
    assert response.status_code == 422 and response.json()["code"] == code
    assert bank.saldo(ids["A"]) == bank.saldo(ids["B"]) == Decimal("100.00")


@pytest.mark.parametrize(
    ("tipo", "legs"),
    [
        ("DEPOSITO", [("A", "5")]),
        ("RETIRO", [("A", "-5")]),
        ("PAGO_SERVICIO", [("A", "-5")]),
        ("PAGO_SERVICIO", [("A", "-5"), ("B", "5")]),
        ("REVERSA", [("A", "5")]),
        ("REVERSA", [("A", "-5")]),
        ("REVERSA", [("A", "5"), ("B", "-5")]),
    ],
)
def test_valid_shapes_apply(bank: Bank, tipo, legs):
    ids = {"A": bank.open("100")["cuenta_id"], "B": bank.open("100")["cuenta_id"]}
    response = bank.post(tx_id(), tipo, [(ids[x], m) for x, m in legs])
    assert response.status_code == 200, response.text
    bank.assert_balanced(*ids.values())


@pytest.mark.parametrize(
    "body",
    [
        {
            "transaccion_id": "",
            "tipo": "DEPOSITO",
            "moneda": "PEN",
            "legs": [{"cuenta_id": 1, "monto": "1"}],
        },
        {
            "transaccion_id": "x" * 41,
            "tipo": "DEPOSITO",
            "moneda": "PEN",
            "legs": [{"cuenta_id": 1, "monto": "1"}],
        },
        {
            "transaccion_id": "a b",
            "tipo": "DEPOSITO",
            "moneda": "PEN",
            "legs": [{"cuenta_id": 1, "monto": "1"}],
        },
        {
            "transaccion_id": "T",
            "tipo": "APERTURA",
            "moneda": "PEN",
            "legs": [{"cuenta_id": 1, "monto": "1"}],
        },
        {"transaccion_id": "T", "tipo": "DEPOSITO", "moneda": "PEN", "legs": []},
        {
            "transaccion_id": "T",
            "tipo": "DEPOSITO",
            "moneda": "PEN",
            "legs": [{"cuenta_id": 1, "monto": "0"}],
        },
        {
            "transaccion_id": "T",
            "tipo": "DEPOSITO",
            "moneda": "PEN",
            "legs": [{"cuenta_id": 1, "monto": "0.001"}],
        },
        {
            "transaccion_id": "T",
            "tipo": "DEPOSITO",
            "moneda": "XXX",
            "legs": [{"cuenta_id": 1, "monto": "1"}],
        },
        {
            "transaccion_id": "T",
            "tipo": "DEPOSITO",
            "moneda": "PEN",
            "legs": [{"cuenta_id": 0, "monto": "1"}],
        },
        {
            "transaccion_id": "T",
            "tipo": "TRANSFERENCIA",
            "moneda": "PEN",
            "legs": [{"cuenta_id": i, "monto": "1"} for i in range(1, 22)],
        },
    ],
)
def test_malformed_postings_are_422(bank: Bank, body):
    response = bank.http.post("/movimientos", json=body, headers=bank.service_headers)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
