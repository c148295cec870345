import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from strom.accounts.actions import do_create_api_token, do_revoke_api_token, do_set_user_active
from strom.accounts.models import ApiToken
from strom.accounts.roles import Role
from tests.factories import OrganisationFactory


def api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def token_for(user, days=30) -> str:
    return do_create_api_token(actor=user, name="test", days=days)[1]


def test_it_tells_the_token_owner_who_they_are(world):
    caseworker = world[Role.CASEWORKER]
    response = api(token_for(caseworker)).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == caseworker.username
    assert body["memberships"] == [
        {
            "organisation": str(world.social.pk),
            "organisation_name": world.social.name,
            "role": "caseworker",
            "permissions": sorted(body["memberships"][0]["permissions"]),
        }
    ]
    assert "read_cases" in body["memberships"][0]["permissions"]
    assert response["Cache-Control"].startswith("no-store")


def test_it_stores_only_a_digest_of_the_token(world):
    secret = token_for(world[Role.CASEWORKER])
    stored = ApiToken.objects.get()
    assert secret not in (stored.digest, stored.prefix, stored.name)
    assert secret.startswith(f"strom_{stored.prefix}_")


@pytest.mark.parametrize(
    ("person", "visible"),
    [
        (Role.CASEWORKER, {"social"}),
        (Role.COORDINATOR, {"municipal"}),
        (Role.NATIONAL_COORDINATOR, {"municipal", "social", "ngo", "national", "platform"}),
        (Role.PLATFORM_ADMIN, {"municipal", "social", "ngo", "national", "platform", "other"}),
        ("outsider", {"other"}),
    ],
)
def test_it_lists_only_the_organisations_a_role_may_see(world, person, visible):
    response = api(token_for(world[person])).get("/api/v1/organisations")
    names = {item["name"] for item in response.json()["items"]}
    assert names == {getattr(world, key).name for key in visible}


def test_it_answers_404_to_an_outsider_asking_for_another_organisation(world):
    outsider = api(token_for(world["outsider"]))
    response = outsider.get(f"/api/v1/organisations/{world.municipal.pk}")
    assert response.status_code == 404
    missing = outsider.get(f"/api/v1/organisations/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert response.content == missing.content
    assert outsider.get(f"/api/v1/organisations/{world.other.pk}").json()["name"] == world.other.name


def test_it_audits_a_refused_cross_tenant_look(world):
    from strom.core.models import AuditEvent

    api(token_for(world["outsider"])).get(f"/api/v1/organisations/{world.municipal.pk}")
    event = AuditEvent.objects.get(action="access.refused")
    assert event.actor == world["outsider"]
    assert event.details["object_id"] == str(world.municipal.pk)


@pytest.mark.parametrize(
    "header", ["", "Bearer ", "Bearer strom_nothing_here", "Token abc", "Bearer " + "x" * 500]
)
def test_it_refuses_missing_and_made_up_tokens(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    assert client.get("/api/v1/me").status_code == 401


def test_it_refuses_revoked_expired_and_deactivated_tokens(world):
    caseworker = world[Role.CASEWORKER]
    revoked = token_for(caseworker)
    do_revoke_api_token(actor=caseworker, token=ApiToken.objects.get(user=caseworker))
    assert api(revoked).get("/api/v1/me").status_code == 401

    expiring = token_for(caseworker, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert api(expiring).get("/api/v1/me").status_code == 401

    trainer_token = token_for(world[Role.TRAINER])
    assert api(trainer_token).get("/api/v1/me").status_code == 200
    do_set_user_active(actor=world[Role.PLATFORM_ADMIN], user=world[Role.TRAINER], active=False)
    assert api(trainer_token).get("/api/v1/me").status_code == 401


def test_it_keeps_the_organisation_list_to_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    national = api(token_for(world[Role.NATIONAL_COORDINATOR]))
    with django_assert_max_num_queries(6):
        national.get("/api/v1/organisations")
    for _ in range(30):
        OrganisationFactory(municipality=world.municipal.municipality)
    with django_assert_max_num_queries(6):
        response = national.get("/api/v1/organisations?limit=100")
    assert response.json()["count"] == 35


def test_it_pages_the_organisation_list(world):
    admin = api(token_for(world[Role.PLATFORM_ADMIN]))
    first = admin.get("/api/v1/organisations?limit=2&offset=0").json()
    second = admin.get("/api/v1/organisations?limit=2&offset=2").json()
    assert first["count"] == 6 and len(first["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_it_serves_the_openapi_document_only_to_signed_in_people(world, client, signed_in):
    assert client.get("/api/v1/openapi.json").status_code == 403
    document = signed_in(world[Role.CASEWORKER]).get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in document["paths"]
    assert "/api/v1/organisations/{organisation_id}" in document["paths"]


def test_it_keeps_the_committed_openapi_snapshot_current():
    call_command("export_openapi", "--check")


def test_it_shows_a_new_token_once_and_revokes_it_from_the_page(world, signed_in):
    caseworker = world[Role.CASEWORKER]
    client = signed_in(caseworker)
    response = client.post("/accounts/api-tokens/", {"name": "reporting script", "days": "30"})
    secret = response.context["new_secret"]
    assert secret in response.content.decode()
    assert secret not in client.get("/accounts/api-tokens/").content.decode()
    assert api(secret).get("/api/v1/me").status_code == 200

    token = ApiToken.objects.get(user=caseworker)
    client.post(f"/accounts/api-tokens/{token.pk}/revoke/")
    assert api(secret).get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("days", ["0", "366", "-1", "many"])
def test_it_refuses_a_token_lifetime_out_of_bounds_and_creates_nothing(world, signed_in, days):
    client = signed_in(world[Role.CASEWORKER])
    response = client.post("/accounts/api-tokens/", {"name": "script", "days": days})
    assert response.status_code == 200 and response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_it_answers_404_when_someone_revokes_another_users_token(world, signed_in):
    token = do_create_api_token(actor=world[Role.CASEWORKER], name="mine", days=5)[0]
    response = signed_in(world["outsider"]).post(f"/accounts/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_answers_json_not_html_for_an_api_address_no_route_matches(db, client):
    response = client.delete("/api/v1/steps/not-an-id")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}
