"""schemathesis against ``/api/openapi.json``, signed in as each role in turn: every documented operation gets a
fixed number of generated requests (derandomised, so a run is repeatable), and no answer may be a 5xx or break
the schema the document gives for its status. The operations are read from the app when the test runs, so
whatever is registered then is covered."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from designer.extensions import db
from runtime.demo import seed
from tests.auth_support import OPERATOR_GROUPS, token_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

EXAMPLES = 10
CHECKS = [not_a_server_error, response_schema_conformance]
FIXED = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                 phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.fixture
def seeded(app):
    """The app on the demo's master data and flows, as schemathesis reads it (in-process WSGI)."""
    with app.app_context():
        seed(db.database)
    return app


@pytest.mark.parametrize("role", ["editor", "reviewer", "operator", "admin"])
def test_no_operation_answers_5xx_or_off_schema(seeded, role):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", seeded)
    headers = {"Authorization": f"Bearer {token_for(seeded, role, groups=OPERATOR_GROUPS)}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _exercise(operation, headers)
        except Exception as exc:  # noqa: BLE001 - collected, so one run reports every broken operation
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations >= 80, "the whole document is exercised"
    assert failures == [], "\n\n".join(failures)


def _exercise(operation, headers: dict[str, str]) -> None:
    @FIXED
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    check()
