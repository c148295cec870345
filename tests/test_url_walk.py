"""security.md 1: with a password but no second factor, every URL refuses except a short, named list.

The URLs are generated from the URL configuration, so a new page is covered the day it is added.
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from strom.accounts.actions import do_create_api_token
from strom.accounts.models import ApiToken, Invitation, Membership, OrganisationArea, User
from strom.accounts.roles import Role
from strom.core import registry
from strom.core.access import PUBLIC, access_level
from strom.directory.models import DirectoryImport
from strom.pathways.models import Agreement, PathwayVersion, Step

# Pages that must work before the second factor: signing in, the second-factor steps, and pages for
# people who are not signed in at all. Each app names its own in its contributions.py (`public_pages`);
# adding a name there is a security decision.
REACHABLE_WITHOUT_SECOND_FACTOR = registry.public_pages()

SAMPLE = {
    "uuid": str(uuid.uuid4()),
    "uuidstr": str(uuid.uuid4()),
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "path": "sample",
}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), child_ns)
        elif isinstance(entry, URLPattern):
            yield (
                f"{namespace}{entry.name}" if entry.name else "",
                prefix + str(entry.pattern),
                entry.callback,
            )


def _sample_path(route: str) -> str:
    def substitute(match):
        converter = match.group(1) or "str"
        return SAMPLE[converter]

    path = re.sub(r"<(?:(\w+):)?\w+>", substitute, route)
    return "/" + path.lstrip("^").rstrip("$")


def all_urls():
    return sorted(
        {(name, _sample_path(route), callback) for name, route, callback in _walk(get_resolver())},
        key=lambda item: item[1],
    )


def test_it_knows_every_public_view_by_name():
    public = {name for name, _path, callback in all_urls() if access_level(callback) == PUBLIC}
    assert public <= REACHABLE_WITHOUT_SECOND_FACTOR, "a new public view needs a deliberate decision"


def test_it_walks_a_non_trivial_url_configuration():
    urls = all_urls()
    assert len(urls) > 25
    assert any(path.startswith("/api/v1/") for _name, path, _cb in urls)


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_every_other_url_to_a_password_only_session(world, password_only, method):
    client = password_only(world[Role.COORDINATOR])
    leaks = []
    for name, path, _callback in all_urls():
        if name in REACHABLE_WITHOUT_SECOND_FACTOR:
            continue
        response = getattr(client, method)(path)
        if not _refused(response):
            leaks.append(f"{method.upper()} {path} ({name}) -> {response.status_code}")
    assert leaks == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_visitors_to_sign_in(db, client, method):
    leaks = []
    for name, path, callback in all_urls():
        if access_level(callback) == PUBLIC:
            continue
        response = getattr(client, method)(path)
        to_sign_in = response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
        api_refusal = path.startswith("/api/") and response.status_code == 404
        if not (to_sign_in or api_refusal or response.status_code in (401, 403, 405)):
            leaks.append(f"{method.upper()} {path} ({name}) -> {response.status_code}")
    assert leaks == []


@pytest.mark.parametrize("person", [Role.COORDINATOR, Role.PLATFORM_ADMIN, Role.CASEWORKER, "outsider"])
def test_it_never_answers_a_server_error_on_any_url(world, signed_in, person):
    client = signed_in(world[person])
    own = {
        "organisation_id": str(world.municipal.pk),
    }
    errors = []
    for name, path, _callback in all_urls():
        if name in {"accounts:sign_out", "accounts:sign_out_everywhere"}:
            continue
        for candidate in {path, path.replace(SAMPLE["uuid"], own["organisation_id"])}:
            response = client.get(candidate)
            if response.status_code >= 500:
                errors.append(f"GET {candidate} ({name}) -> {response.status_code}")
    assert errors == []


def _objects_of_the_home_organisation(world):
    """One object per URL parameter, each belonging to the home municipality's organisations: each
    app makes those of its own pages (`url_walk_objects` in its contributions.py)."""
    return registry.url_walk_objects(world, CANARY_ADDRESS)


CANARY_ADDRESS = "Canary lane 7 (never shown to outsiders)"
# Pages another organisation's member may read: the service map is shared across municipalities, but
# what is confidential in it never reaches them.
# (django-ninja names one URL pattern after the last operation on its path: GET on service_update's
# path is service_detail. PUT is tested in tests/test_directory_api.py.)
READABLE_BY_OUTSIDERS = {
    "directory:service_detail",
    "api-v1:service_detail",
    "api-v1:service_update",
    "api-v1:service",  # the same service in HSDS form
}


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_to_an_outsider_on_every_object_url(world, signed_in, method):
    """security.md 6: another organisation's object answers 404, like an id that does not exist."""
    objects = _objects_of_the_home_organisation(world)
    outsider = signed_in(world["outsider"])
    outsider_api = Client(
        HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=world['outsider'], name='x', days=1)[1]}"
    )
    before = (
        list(Membership.objects.values_list("pk", "ended_at")),
        list(Invitation.objects.values_list("pk", "revoked_at")),
        list(ApiToken.objects.values_list("pk", "revoked_at")),
        list(User.objects.values_list("pk", "is_active")),
        list(Step.objects.values_list("pk", "title", "responsible_id")),
        list(Agreement.objects.values_list("pk", "status", "title")),
        PathwayVersion.objects.count(),
        list(OrganisationArea.objects.values_list("pk", "revoked_at")),
    )
    parameter = re.compile(r"<(?:\w+:)?(\w+)>")
    answered = []
    for name, route, callback in _walk(get_resolver()):
        params = parameter.findall(route)
        if not params or access_level(callback) == PUBLIC:  # public links carry secrets, not object ids
            continue
        unknown = set(params) - set(objects)
        assert not unknown, f"{name}: add an object for {unknown} to url_walk_objects in contributions.py"
        path = "/" + parameter.sub(lambda m: str(objects[m.group(1)]), route)
        client = outsider_api if path.startswith("/api/") else outsider
        response = getattr(client, method)(path)
        answered.append(name)
        assert CANARY_ADDRESS not in response.content.decode()
        if name in READABLE_BY_OUTSIDERS and method == "get":
            assert response.status_code == 200, name
            continue
        assert response.status_code in (404, 405), (
            f"{method.upper()} {path} ({name}) -> {response.status_code}"
        )
    assert DirectoryImport.objects.get().status == DirectoryImport.Status.CHECKED
    after = (
        list(Membership.objects.values_list("pk", "ended_at")),
        list(Invitation.objects.values_list("pk", "revoked_at")),
        list(ApiToken.objects.values_list("pk", "revoked_at")),
        list(User.objects.values_list("pk", "is_active")),
        list(Step.objects.values_list("pk", "title", "responsible_id")),
        list(Agreement.objects.values_list("pk", "status", "title")),
        PathwayVersion.objects.count(),
        list(OrganisationArea.objects.values_list("pk", "revoked_at")),
    )
    assert after == before
    assert len(answered) >= 7
