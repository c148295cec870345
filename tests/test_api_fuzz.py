"""security.md 23: schemathesis against the committed OpenAPI document finds no server error, no
answer outside its schema, and no operation that works without a token.

Every operation of the API is called with generated input, as the demo coordinator of the test world
(with a published pathway, services and agreements to find), through Django's WSGI application.
"""

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
)

from strom.accounts.actions import do_create_api_token
from strom.accounts.roles import Role
from tests.pathway_objects import published_chain

schema = schemathesis.openapi.from_path(settings.BASE_DIR / "docs" / "api" / "openapi-v1.json")
schema.app = get_wsgi_application()
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, ignored_auth]


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Django's WSGI handler closes the database connection after each request; the test client
    does not, and neither may this test, whose data lives in the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world, wsgi_keeps_the_test_connection):
    published_chain(world)
    return do_create_api_token(actor=world[Role.COORDINATOR], name="fuzz", days=1)[1]


@schema.parametrize()
@hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_it_survives_generated_input_on_every_operation(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
