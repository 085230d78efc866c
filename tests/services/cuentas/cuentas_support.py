"""Helpers shared by the cuentas tests (a uniquely named module: conftest is not importable)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from clientes_contract import BLOQUEADO, INACTIVO, UNKNOWN_FROM

from services.common.auth import Role, issue_token

__all__ = ["BLOQUEADO", "INACTIVO", "UNKNOWN_FROM", "Bank", "bearer", "fresh_cliente", "new_key"]


def bearer(role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(f'test-{role}', role)}"}


def new_key() -> str:
    return f"test-{uuid.uuid4()}"


def fresh_cliente() -> int:
    """An active client of the stand-in that no other test uses."""
    while True:
        cliente_id = random.randrange(1, UNKNOWN_FROM)
        if cliente_id % 1000 not in (INACTIVO, BLOQUEADO):
            return cliente_id


@dataclass
class Bank:
    """Small helpers over the API and the database."""

    http: httpx.Client
    sql: Any  # conftest.Sql: .cursor() on a live connection
    service_headers: dict[str, str]

    def open(
        self,
        saldo: str | Decimal = "0",
        moneda: str = "PEN",
        cliente_id: int | None = None,
        tipo_cuenta_id: int = 1,
    ) -> dict:
        response = self.http.post(
            "/cuentas",
            json={
                "cliente_id": cliente_id or fresh_cliente(),
                "tipo_cuenta_id": tipo_cuenta_id,
                "moneda": moneda,
                "saldo_inicial": str(saldo),
            },
            headers={"Idempotency-Key": new_key()},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def move(self, cuenta_id: int, monto: str, operacion: str, key: str | None = None):
        return self.http.patch(
            f"/cuentas/{cuenta_id}/saldo",
            json={"monto": monto, "operacion": operacion},
            headers={"Idempotency-Key": key or new_key()},
        )

    def post(self, transaccion_id: str, tipo: str, legs: list[tuple[int, str]], moneda="PEN"):
        return self.http.post(
            "/movimientos",
            json={
                "transaccion_id": transaccion_id,
                "tipo": tipo,
                "moneda": moneda,
                "legs": [{"cuenta_id": c, "monto": m} for c, m in legs],
            },
            headers=self.service_headers,
        )

    def saldo(self, cuenta_id: int) -> Decimal:
        with self.sql.cursor() as cur:
            cur.execute("SELECT saldo FROM cuentas WHERE cuenta_id = %s", (cuenta_id,))
            return cur.fetchone()[0]

    def journal(self, cuenta_id: int) -> list[tuple]:
        """(transaccion_id, tipo, monto, saldo_resultante) in journal order."""
        with self.sql.cursor() as cur:
            cur.execute(
                "SELECT transaccion_id, tipo, monto, saldo_resultante FROM movimientos "
                "WHERE cuenta_id = %s ORDER BY movimiento_id",
                (cuenta_id,),
            )
            return list(cur.fetchall())

    def legs_of(self, transaccion_id: str) -> list[tuple]:
        with self.sql.cursor() as cur:
            cur.execute(
                "SELECT cuenta_id, monto FROM movimientos WHERE transaccion_id = %s "
                "ORDER BY cuenta_id",
                (transaccion_id,),
            )
            return list(cur.fetchall())

    def assert_balanced(self, *cuenta_ids: int) -> None:
        """saldo = Σ journal, and each leg's saldo_resultante is the running sum."""
        for cuenta_id in cuenta_ids:
            running = Decimal("0")
            for _, _, monto, saldo_resultante in self.journal(cuenta_id):
                running += monto
                assert saldo_resultante == running, (cuenta_id, saldo_resultante, running)
            assert self.saldo(cuenta_id) == running, (cuenta_id, self.saldo(cuenta_id), running)

    def unbalanced_accounts(self) -> list[tuple]:
        """Every account of the database whose saldo differs from its journal's sum."""
        with self.sql.cursor() as cur:
            cur.execute(
                "SELECT c.cuenta_id, c.saldo, COALESCE(j.total, 0) FROM cuentas c "
                "LEFT JOIN (SELECT cuenta_id, SUM(monto) AS total FROM movimientos "
                "GROUP BY cuenta_id) j ON j.cuenta_id = c.cuenta_id "
                "WHERE c.saldo <> COALESCE(j.total, 0)"
            )
            return list(cur.fetchall())
