"""One way to compute access per request: queries take the Access snapshot, views and routers pass
`request.access`, and a refusal names the snapshot's user in the audit trail."""

import ast
from pathlib import Path

import pytest
from django.http import Http404
from django.urls import reverse

from strom.accounts.access import Access, get_access
from strom.accounts.actions import do_create_api_token
from strom.accounts.queries import get_organisation_for
from strom.accounts.roles import Role
from strom.core.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent
QUERY_MODULES = [
    "strom/accounts/queries.py",
    "strom/directory/queries.py",
    "strom/directory/hsds/pages.py",
    "strom/pathways/queries.py",
    "strom/site/queries.py",
]


def _functions(source: str):
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            yield node.name, [arg.arg for arg in node.args.args]


def reads_taking_the_user(source: str) -> list[str]:
    """Query functions that take a user (rather than the Access snapshot), or that look up or list
    something for someone without taking the snapshot first."""
    return [
        name
        for name, params in _functions(source)
        if "user" in params
        or ((name.startswith("get_") or name.endswith("_visible_to")) and params[:1] != ["access"])
    ]


@pytest.mark.parametrize("path", QUERY_MODULES)
def test_it_gives_every_query_the_access_snapshot_not_the_user(path):
    assert reads_taking_the_user((ROOT / path).read_text(encoding="utf-8")) == []


def test_it_names_the_snapshots_user_when_a_query_refuses(world):
    outsider = world["outsider"]
    with pytest.raises(Http404):
        get_organisation_for(get_access(outsider), world.municipal.pk)
    refusal = AuditEvent.objects.filter(action="access.refused").latest("seq")
    assert refusal.actor_id == outsider.pk
    assert refusal.details == {"object_type": "accounts.organisation", "object_id": str(world.municipal.pk)}


def test_it_gives_a_page_the_snapshot_of_who_is_signed_in_once(world, signed_in):
    coordinator = world[Role.COORDINATOR]
    response = signed_in(coordinator).get(reverse("accounts:my_organisations"))
    assert response.status_code == 200
    request = response.wsgi_request
    assert isinstance(request.access, Access)
    assert request.access.user_id == str(coordinator.pk)
    # The same snapshot that actions find through get_access(actor): computed once for the request.
    assert get_access(request.user) is request.access._wrapped


def test_it_lets_a_token_act_with_its_owners_snapshot_even_beside_a_signed_in_session(world, signed_in):
    """A browser signed in as a coordinator that sends the outsider's token is the outsider to the API."""
    client = signed_in(world[Role.COORDINATOR])
    token = do_create_api_token(actor=world["outsider"], name="x", days=1)[1]
    url = f"/api/v1/organisations/{world.municipal.pk}"
    assert client.get(url).status_code == 401
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    assert response.wsgi_request.access.user_id == str(world["outsider"].pk)
    assert AuditEvent.objects.filter(action="access.refused").latest("seq").actor_id == world["outsider"].pk
