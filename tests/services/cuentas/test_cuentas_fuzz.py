"""schemathesis against the OpenAPI schema of cuentas, through HAProxy, authenticated: valid
and invalid input (positive and negative generation) never gets a 5xx.

Cases are generated from each operation's strategy (schemathesis' lazy pytest loader does not
work with this pytest); half of them get a fresh valid Idempotency-Key and half of the
account paths point at real accounts, so the fuzzing reaches the writes, not only the 4xx
in front of them.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from cuentas_support import Bank, bearer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from services.common.auth import Role

OPERATIONS = [
    ("GET", "/tipos-cuenta"),
    ("GET", "/tipos-cuenta/{tipo_cuenta_id}"),
    ("GET", "/cuentas"),
    ("POST", "/cuentas"),
    ("GET", "/cuentas/cliente/{cliente_id}"),
    ("GET", "/cuentas/numero/{numero_cuenta}"),
    ("GET", "/cuentas/{cuenta_id}"),
    ("GET", "/cuentas/{cuenta_id}/movimientos"),
    ("PATCH", "/cuentas/{cuenta_id}/saldo"),
    ("PATCH", "/cuentas/{cuenta_id}/estado"),
    ("DELETE", "/cuentas/{cuenta_id}"),
    ("POST", "/movimientos"),
]
EXAMPLES = 30


@pytest.fixture(scope="module")
def openapi(base_url):
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json", timeout=10)


@pytest.fixture(scope="module")
def accounts(http, sql, service_role) -> list[int]:
    bank = Bank(http, sql, service_role)
    return [bank.open(saldo)["cuenta_id"] for saldo in ("0", "10", "9999999999999.99")]


def test_every_operation_is_fuzzed(openapi):
    listed = {(op.method.upper(), op.path) for op in (r.ok() for r in openapi.get_all_operations())}
    assert listed - {("GET", "/health"), ("GET", "/health/ready")} == set(OPERATIONS)


def _with_fresh_key(case, fresh: bool):
    if fresh:
        case.headers = {**(case.headers or {}), "Idempotency-Key": f"fuzz-{uuid.uuid4()}"}
    return case


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_server_error(openapi, base_url, accounts, method, path, mode):
    operation = openapi[path][method]
    strategies = [operation.as_strategy(generation_mode=mode)]
    if "{cuenta_id}" in path:
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters={"cuenta_id": cuenta_id})
            for cuenta_id in accounts
        ]
    role = Role.SERVICE if path == "/movimientos" else Role.ADMIN
    cases = st.builds(_with_fresh_key, st.one_of(strategies), st.booleans())

    @given(case=cases)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(base_url=base_url, headers=bearer(role), timeout=30)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
            f"\nquery={case.query} headers={case.headers} body={case.body!r}"
        )

    check()
