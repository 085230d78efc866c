"""Property-based run of the analytics OpenAPI schema against the app (in process), with an
analista token and a published snapshot: whatever schemathesis sends, valid or not, the API
never answers 5xx and its successful answers match the documented schemas."""

from __future__ import annotations

import pytest
import schemathesis
from analytics_support import make_bundle, settings_env
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from services.analytics.main import app
from services.analytics.store import Check, RunRecord, SnapshotStore
from services.common.auth import Role, issue_token

EXAMPLES_PER_OPERATION = 40
HEADERS = {"Authorization": f"Bearer {issue_token('schemathesis', Role.ANALISTA)}"}

schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES_PER_OPERATION,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A published snapshot and a failed later run; the app reads them (its lifespan builds
    the cache from these settings) for the whole module."""
    with settings_env(var_dir=str(tmp_path_factory.mktemp("schemathesis"))) as settings:
        store = SnapshotStore.for_settings(settings)
        store.write_bundle(make_bundle("run-a"))
        store.publish("run-a")
        store.record_run(
            RunRecord(
                "run-b", False, "2025-03-17T00:00:00Z", [Check("x", "dbt", False, estado="fail")]
            )
        )
        yield settings


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case, served):
    response = case.call(headers=HEADERS)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
