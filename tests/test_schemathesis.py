"""Property-based run of the app against its own OpenAPI document: no 5xx, responses match their schema."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from ponte.api.app import create_app
from ponte.assistant import Assistant
from ponte.settings import Settings


@pytest.fixture
def api_schema(home):
    app = create_app(Assistant(Settings(home=home, progress=False, api_keys="t-admin:admin",
                                        rate_limit_per_minute=0)))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms(case):
    case.call_and_validate(headers={"Authorization": "Bearer t-admin"},
                           checks=[not_a_server_error, response_schema_conformance, status_code_conformance])
