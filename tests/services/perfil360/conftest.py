"""perfil360 runs against the real clientes, cuentas (two instances behind HAProxy) and
transacciones services of the suite's stack, plus Redis. ``bank`` creates clients, accounts
and transactions through those services' public APIs."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
import redis

from infra.local.components import Redis, UvicornService
from infra.local.stack import Stack
from services.common.auth import Role
from tests.services.perfil360.support import Bank, Deployment, auth

pytest.importorskip("services.perfil360.main")


@pytest.fixture(scope="session")
def deployment(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    if not os.environ.get("PERFIL360_STANDINS"):
        settings = request.getfixturevalue("stack")
        yield Deployment(settings, Stack(settings), ["haproxy"])
        return
    # development only (PERFIL360_STANDINS=1): contract stand-ins instead of the real services
    from services.common.settings import get_settings
    from tests.services.perfil360.standins import standin_components

    settings = get_settings()
    local = Stack(
        settings,
        [
            Redis(settings),
            *standin_components(settings),
            UvicornService(
                "perfil360",
                settings,
                app="services.perfil360.main:app",
                base_port=settings.perfil360_port,
                workers=2,
            ),
        ],
    )
    try:
        local.up()
        yield Deployment(settings, local, ["cuentas"])
    finally:
        local.down()


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
