"""Property-based run of the app against its own OpenAPI document: no 5xx, responses match their schema.

Driven with plain Hypothesis over schemathesis' per-operation strategies (its pytest plugin does
not load under this pytest), bounded in examples so CI stays quick.
"""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from ponte.api.app import create_app
from ponte.assistant import Assistant
from ponte.settings import Settings

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def test_api_conforms_to_its_openapi(home):
    app = create_app(Assistant(Settings(home=home, progress=False, api_keys="t-admin:admin", rate_limit_per_minute=0)))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            case.call_and_validate(headers={"Authorization": "Bearer t-admin"}, checks=CHECKS)

        check()


def test_schema_violating_requests_are_refused(home):
    """Negative cases (wrong types, missing or extra fields, out-of-range values) for every operation
    that has inputs which can be invalid: all must be refused with 4xx, none may reach a 5xx."""
    from hypothesis.errors import Unsatisfiable
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import negative_data_rejection

    app = create_app(Assistant(Settings(home=home, progress=False, api_keys="t-admin:admin", rate_limit_per_minute=0)))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            case.call_and_validate(headers={"Authorization": "Bearer t-admin"},
                                   checks=[not_a_server_error, negative_data_rejection])

        try:
            check()
            checked += 1
        except Unsatisfiable:
            continue  # nothing about this operation's inputs can be made invalid (no body, free-form ids)
    assert checked >= 7  # chat, search, match, company list/put, import, upload
