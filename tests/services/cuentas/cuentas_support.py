"""Helpers shared by the cuentas tests (a uniquely named module: conftest is not importable).

Clients come from the real clientes service: each test creates the ones it needs
(``fresh_cliente``), so tests never depend on each other or on data left by earlier runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from services.common.auth import Role, issue_token

__all__ = [
    "UNKNOWN_CLIENTE",
    "Bank",
    "Clientes",
    "bearer",
    "fresh_cliente",
    "new_key",
    "use_clientes",
]

UNKNOWN_CLIENTE = 2_000_000_000  # a valid id that no client has


def bearer(role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(f'test-{role}', role)}"}


def new_key() -> str:
    return f"test-{uuid.uuid4()}"


class Clientes:
    """Creates clients through the clientes API (as an admin)."""

    def __init__(self, http: httpx.Client):
        self.http = http

    def new(self, estado: str = "activo") -> int:
        token = uuid.uuid4().hex
        response = self.http.post(
            "/clientes",
            json={
                "nombre": "Cliente",
                "apellido": "De Prueba",
                "email": f"cuentas.{token[:24]}@example.com",
                "estado": estado,
                "documento": {
                    "tipo_documento": "Pasaporte",
                    "numero_documento": ("C" + token[:11]).upper(),
                },
            },
        )
        assert response.status_code == 201, response.text
        return response.json()["cliente_id"]


_clientes: Clientes | None = None


def use_clientes(clientes: Clientes) -> None:
    global _clientes
    _clientes = clientes


def fresh_cliente(estado: str = "activo") -> int:
    """A new client of the clientes service (``activo``, ``inactivo`` or ``bloqueado``)."""
    assert _clientes is not None, "the cuentas_stack fixture sets up the clientes helper"
    return _clientes.new(estado)


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
