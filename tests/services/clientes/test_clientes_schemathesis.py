"""Property-based run of the whole clientes OpenAPI schema against the running service,
authenticated as admin: whatever schemathesis sends (valid or not), the service never answers
5xx and its successful answers match the documented schemas."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from services.clientes.main import app

EXAMPLES_PER_OPERATION = 25  # ~40 s for the 12 operations on a busy 2-core machine

# The schema the service serves at /openapi.json, built from the same code (so collection
# needs no running server).
schema = schemathesis.openapi.from_dict(app.openapi())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES_PER_OPERATION,
)


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case, base_url, admin_headers, clean):
    # deactivations ask the real cuentas of the test stack
    response = case.call(base_url=base_url, headers=admin_headers)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
