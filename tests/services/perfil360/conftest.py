"""perfil360 runs against the real clientes, cuentas (two instances behind HAProxy) and
transacciones services of the suite's stack, plus Redis. ``bank`` creates clients, accounts
and transactions through those services' public APIs."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
import redis

from infra.local.stack import Stack
from services.common.auth import Role
from services.common.settings import Settings
from tests.services.perfil360.support import Bank, Deployment, auth


@pytest.fixture(scope="session")
def deployment(stack: Settings) -> Deployment:
    """The suite's stack; cuentas is made unreachable by stopping HAProxy in front of it."""
    return Deployment(stack, Stack(stack), ["haproxy"])


@pytest.fixture(scope="session")
def bank(deployment: Deployment) -> Iterator[Bank]:
    b = Bank(deployment.settings)
    yield b
    b.close()


@pytest.fixture(scope="session")
def perfil(deployment: Deployment) -> Iterator[httpx.Client]:
    s = deployment.settings
    with httpx.Client(
        base_url=s.service_url(s.perfil360_port), headers=auth(Role.CAJERO), timeout=10
    ) as client:
        yield client


@pytest.fixture(scope="session")
def cache_redis(deployment: Deployment) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(deployment.settings.redis_url)
    yield client
    client.close()


@pytest.fixture
def stop(deployment: Deployment) -> Iterator[Callable[..., None]]:
    """``stop(*components)``; whatever was stopped is started again after the test."""
    stopped: list[str] = []

    def _stop(*names: str) -> None:
        deployment.down(*names)
        stopped.extend(names)

    yield _stop
    if stopped:
        deployment.up(*stopped)


@pytest.fixture
def cliente(bank: Bank) -> dict:
    """A fresh client with a PEN account (70 + a 30 deposit) and a USD account (3)."""
    c = bank.crear_cliente()
    pen = bank.abrir_cuenta(c["cliente_id"], "PEN", "70.00")
    usd = bank.abrir_cuenta(c["cliente_id"], "USD", "3.00")
    bank.transaccion("DEPOSITO", "30.00", "PEN", destino=pen["cuenta_id"])
    return {"cliente_id": c["cliente_id"], "pen": pen, "usd": usd}
