"""Property-based run of perfil360's OpenAPI against the live service (authenticated): no
input gives a 5xx."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from services.common.auth import Role
from services.perfil360.main import app
from tests.services.perfil360.support import auth

schema = schemathesis.openapi.from_dict(app.openapi())


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(case, deployment):
    s = deployment.settings
    response = case.call(
        base_url=s.service_url(s.perfil360_port), headers=auth(Role.CAJERO), timeout=10
    )
    assert response.status_code < 500, (case.path, case.query, response.text)
