"""A property-based run of the whole API from its own OpenAPI document (schemathesis, in-process against the
WSGI app): every operation gets generated valid and invalid requests from an authenticated token user holding
every permission, and must answer with no server error, a declared status code, the declared content type
and a body that matches the declared schema. Fixed seed (derandomized) and a bounded number of examples per
operation, so the run is the same each time and takes a few minutes at most. PostgreSQL only: the requests
run in autocommit as in production (a refused unique insert must not poison the test's own transaction)."""

import time
from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import create_token
from tests.factories import (
    CarrierFactory,
    ProductFactory,
    StoreFactory,
    SupplierFactory,
    UserFactory,
    WarehouseFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EXAMPLES = 6  # per operation and mode: ~70 operations × 2 modes × 6 take well under two minutes here
BUDGET_SECONDS = 180
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def token():
    user = UserFactory(username="schemathesis", is_superuser=True, is_staff=True)
    for factory in (StoreFactory, SupplierFactory, ProductFactory, WarehouseFactory, CarrierFactory):
        factory()
    _token, key = create_token(user=user, name="schemathesis", actor=user)
    return key


def test_the_whole_api_keeps_its_documented_contract_under_generated_input(token):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {token}"}
    failures = []
    statuses = Counter()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60

    for operation in operations:
        strategy = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                             operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @settings(max_examples=2 * EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                  report_multiple_bugs=False)
        @given(case=strategy)
        def run(case):
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # gather every operation's failure, report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(operations)} operations, {sum(statuses.values())} requests in {elapsed:.0f} s, "
          f"answers {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(failures)
    assert statuses[200] + statuses[201] > 0 and statuses[422] > 0  # it reached the views, and refused garbage
    assert elapsed < BUDGET_SECONDS, f"the run took {elapsed:.0f} s"
