"""A model-based test in the style of TigerBeetle's auditor: Hypothesis drives random deposits,
withdrawals, service payments, transfers (also across currencies), client retries with the
same Idempotency-Key and with a mutated body, and reversals against the real stack, while a
model predicts every outcome and balance. After every step the auditor checks, per account and
per currency, the books in MariaDB and MongoDB: balance = opening + Σ journal, no negative
balance, every COMPLETADA transaction has exactly its legs and every RECHAZADA none."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from transacciones_support import audit, deposit, new_key, post, transfer, withdrawal

pytestmark = pytest.mark.stack

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300.00"), places=2)
OPENINGS = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("500.00"), places=2)


@dataclass
class Sent:
    key: str
    body: dict
    status: int
    answer: dict


class Auditor(RuleBasedStateMachine):
    """The model: each account's expected balance, and what was sent and answered."""

    stores: ClassVar[dict] = {}  # api, ledger and col, set by the test

    def __init__(self) -> None:
        super().__init__()
        self.api, self.ledger, self.col = (self.stores[k] for k in ("api", "ledger", "col"))
        self.moneda: dict[int, str] = {}
        self.opening: dict[int, Decimal] = {}
        self.expected: dict[int, Decimal] = {}
        self.sent: list[Sent] = []
        self.reversible: list[dict] = []  # COMPLETADA, not reversals, not reversed yet
        self.reversed: list[dict] = []
        self.rejected: list[dict] = []

    # --- helpers --------------------------------------------------------------------------
    def send(self, body: dict, expect: str, *motivos: str) -> dict:
        key = new_key()
        response = post(self.api, body, key)
        assert response.status_code == 201, response.text
        answer = response.json()
        assert answer["estado"] == expect, (body, answer)
        assert answer["motivo"] in (motivos or (None,)), answer
        self.sent.append(Sent(key, body, response.status_code, answer))
        if expect == "RECHAZADA":
            self.rejected.append(answer)
        return answer

    def pick(self, data, moneda: str | None = None) -> int:
        ids = sorted(c for c, m in self.moneda.items() if moneda in (None, m))
        return data.draw(st.sampled_from(ids))

    # --- rules ------------------------------------------------------------------------------
    @initialize(
        pen=st.lists(OPENINGS, min_size=3, max_size=3),
        usd=st.lists(OPENINGS, min_size=2, max_size=2),
    )
    def open_accounts(self, pen, usd):
        for moneda, openings in (("PEN", pen), ("USD", usd)):
            for saldo in openings:
                cuenta = self.ledger.open_account(moneda, saldo)
                self.moneda[cuenta], self.opening[cuenta] = moneda, saldo
                self.expected[cuenta] = saldo

    @rule(data=st.data(), monto=AMOUNTS)
    def deposit(self, data, monto):
        cuenta = self.pick(data)
        answer = self.send(deposit(cuenta, str(monto), self.moneda[cuenta]), "COMPLETADA")
        self.expected[cuenta] += monto
        self.reversible.append(answer)

    @rule(data=st.data(), monto=AMOUNTS, tipo=st.sampled_from(["RETIRO", "PAGO_SERVICIO"]))
    def withdraw(self, data, monto, tipo):
        cuenta = self.pick(data)
        body = withdrawal(cuenta, str(monto), self.moneda[cuenta], tipo=tipo)
        if self.expected[cuenta] >= monto:
            answer = self.send(body, "COMPLETADA")
            self.expected[cuenta] -= monto
            self.reversible.append(answer)
        else:
            self.send(body, "RECHAZADA", "saldo_insuficiente")

    @rule(data=st.data(), monto=AMOUNTS, same_currency=st.booleans())
    def transfer(self, data, monto, same_currency):
        origen = self.pick(data)
        moneda = self.moneda[origen]
        destino = self.pick(data, moneda if same_currency else None)
        if destino == origen:
            return
        body = transfer(origen, destino, str(monto), moneda)
        if self.moneda[destino] != moneda:
            # cuentas checks the accounts in id order: either fault may be the one reported
            motivos = ["moneda_distinta"]
            if self.expected[origen] < monto:
                motivos.append("saldo_insuficiente")
            self.send(body, "RECHAZADA", *motivos)
        elif self.expected[origen] < monto:
            self.send(body, "RECHAZADA", "saldo_insuficiente")
        else:
            answer = self.send(body, "COMPLETADA")
            self.expected[origen] -= monto
            self.expected[destino] += monto
            self.reversible.append(answer)

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def retry_same_request(self, data):
        """A client that did not get the answer sends the very same request again."""
        first = data.draw(st.sampled_from(self.sent))
        response = post(self.api, first.body, first.key)
        assert response.status_code == first.status
        assert response.json() == first.answer
        assert response.headers.get("Idempotent-Replayed") == "true"

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def retry_with_a_mutated_body(self, data):
        first = data.draw(st.sampled_from(self.sent))
        mutated = {**first.body, "monto": str(Decimal(first.body["monto"]) + Decimal("0.01"))}
        response = post(self.api, mutated, first.key)
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "idempotency_key_reused"

    @precondition(lambda self: self.reversible)
    @rule(data=st.data())
    def reverse(self, data):
        original = data.draw(st.sampled_from(self.reversible))
        monto = Decimal(original["monto"])
        # the reversal gives the destination's money back to the origin
        payer, payee = original["cuenta_destino_id"], original["cuenta_origen_id"]
        key = new_key()
        response = self.api.post(
            f"/transacciones/{original['transaccion_id']}/reversa",
            headers={"Idempotency-Key": key},
        )
        assert response.status_code == 201, response.text
        answer = response.json()
        assert answer["tipo"] == "REVERSA" and answer["reversa_de"] == original["transaccion_id"]
        if payer is not None and self.expected[payer] < monto:
            assert (answer["estado"], answer["motivo"]) == ("RECHAZADA", "saldo_insuficiente")
            return
        assert answer["estado"] == "COMPLETADA", answer
        if payer is not None:
            self.expected[payer] -= monto
        if payee is not None:
            self.expected[payee] += monto
        self.reversible.remove(original)
        self.reversed.append(original)

    @precondition(lambda self: self.reversed or self.rejected)
    @rule(data=st.data())
    def reverse_what_cannot_be(self, data):
        original = data.draw(st.sampled_from(self.reversed + self.rejected))
        response = self.api.post(
            f"/transacciones/{original['transaccion_id']}/reversa",
            headers={"Idempotency-Key": new_key()},
        )
        assert response.status_code == 409
        code = "ya_revertida" if original in self.reversed else "no_reversible"
        assert response.json()["code"] == code

    # --- the auditor ------------------------------------------------------------------------
    @invariant()
    def books_balance(self):
        if not self.moneda:
            return
        ids = sorted(self.moneda)
        assert self.ledger.balances(ids) == self.expected
        found = audit(self.ledger, self.col, ids, self.opening)
        assert not found.problems, found.problems


def test_model_based_auditor(api, ledger, col):
    Auditor.stores.update(api=api, ledger=ledger, col=col)
    run_state_machine_as_test(
        Auditor,
        settings=settings(
            max_examples=6,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            # each step is real HTTP and SQL: shrinking a failure would outlast the test's
            # timeout; the unshrunk steps (at most 15) are reported instead
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )
