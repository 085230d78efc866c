"""Helpers of the perfil360 tests: tokens, the deployment under test and a teller that
creates data through the real services' public APIs."""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass

import httpx

from infra.local.stack import Stack
from services.common.auth import Role, issue_token
from services.common.settings import Settings
from services.perfil360.config import UPSTREAM_TIMEOUT_S


def letters(n: int) -> str:
    """A random word (names accept letters only)."""
    return "".join(random.choices(string.ascii_lowercase, k=n))


def auth(role: Role = Role.ADMIN) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('tests', role)}"}


@dataclass
class Deployment:
    settings: Settings
    stack: Stack
    # what to stop to make "cuentas" unreachable
    cuentas_components: list[str]

    def down(self, *names: str) -> None:
        self.stack.down(names)

    def up(self, *names: str) -> None:
        self.stack.up(names)


class Bank:
    """Creates data through the real services' APIs, as a teller would."""

    def __init__(self, settings: Settings):
        s = settings
        headers = auth(Role.ADMIN)
        self.clientes = httpx.Client(
            base_url=s.service_url(s.clientes_port), headers=headers, timeout=10
        )
        self.cuentas = httpx.Client(
            base_url=s.service_url(s.cuentas_port), headers=headers, timeout=10
        )
        self.transacciones = httpx.Client(
            base_url=s.service_url(s.transacciones_port), headers=headers, timeout=10
        )

    def close(self) -> None:
        for client in (self.clientes, self.cuentas, self.transacciones):
            client.close()

    def crear_cliente(self, apellido: str | None = None) -> dict:
        tag = letters(10)
        response = self.clientes.post(
            "/clientes",
            json={
                "nombre": "Ana",
                "apellido": apellido or f"Prueba {tag}",
                "email": f"ana.{tag}@example.com",
                "telefono": "+51 987 654 321",
                "documento": {
                    "tipo_documento": "DNI",
                    "numero_documento": f"{random.randrange(10**7, 10**8)}",
                },
            },
        )
        assert response.status_code == 201, response.text
        return response.json()

    def abrir_cuenta(self, cliente_id: int, moneda: str, saldo: str = "0.00") -> dict:
        response = self.cuentas.post(
            "/cuentas",
            json={
                "cliente_id": cliente_id,
                "tipo_cuenta_id": 2,
                "moneda": moneda,
                "saldo_inicial": saldo,
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def transaccion(
        self,
        tipo: str,
        monto: str,
        moneda: str,
        origen: int | None = None,
        destino: int | None = None,
    ) -> dict:
        body: dict = {"tipo": tipo, "monto": monto, "moneda": moneda}
        if origen is not None:
            body["cuenta_origen_id"] = origen
        if destino is not None:
            body["cuenta_destino_id"] = destino
        response = self.transacciones.post(
            "/transacciones", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        assert response.status_code in (200, 201), response.text
        doc = response.json()
        assert doc["estado"] == "COMPLETADA", doc
        return doc


# A profile must come back within one dependency timeout per sequential step (accounts, then
# transactions), plus slack for this shared machine; past this the client gives up and the
# test fails.
WITHIN_TIMEOUT = httpx.Timeout(2 * UPSTREAM_TIMEOUT_S + 1.0)


def profile(perfil: httpx.Client, cliente_id: int) -> httpx.Response:
    return perfil.get(f"/api/clientes/{cliente_id}/perfil-completo", timeout=WITHIN_TIMEOUT)


def ready(deployment: Deployment) -> httpx.Response:
    s = deployment.settings
    return httpx.get(s.service_url(s.perfil360_port) + "/health/ready", timeout=5)
