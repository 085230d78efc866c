"""Schemathesis over the running transacciones (authenticated): generated requests from its
OpenAPI document, valid and invalid, must never get a 5xx. Writes carry a fresh
Idempotency-Key so their bodies reach the posting protocol (and cuentas) instead of stopping
at the 428."""

from __future__ import annotations

import uuid

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from services.common.auth import Role, issue_token
from services.transacciones.main import app

pytestmark = pytest.mark.stack


# the very document the service serves at /openapi.json (built without starting anything)
schema = schemathesis.openapi.from_dict(app.openapi())


@pytest.fixture(scope="module")
def base_url(tx_stack, settings) -> str:
    return settings.service_url(settings.transacciones_port)


@pytest.fixture(scope="module")
def bearer(settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('schemathesis', Role.ADMIN, settings)}"}


def test_the_served_document_is_the_tested_one(base_url):
    assert httpx.get(f"{base_url}/openapi.json").json() == app.openapi()


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors(case, base_url, bearer):
    headers = dict(bearer)
    if case.method == "POST":
        headers["Idempotency-Key"] = uuid.uuid4().hex
    case.call_and_validate(base_url=base_url, headers=headers, checks=[not_a_server_error])
