"""API robustness: schemathesis generates requests for every operation of the merged OpenAPI document and
sends them through the gateway to the real services. Any 5xx, or a response that breaks the documented
schema (status, content type, body), fails the test. New endpoints are fuzzed as soon as they exist."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.platform


@pytest.fixture(scope="session")
def api_schema(platform):
    schema = schemathesis.openapi.from_url(f"{platform.gateway_url}/api/openapi.json")
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_survives_generated_input(case):
    case.call_and_validate(
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    )
