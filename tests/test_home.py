import pytest
from django.urls import reverse

from strom.accounts.roles import Role

ALL_PEOPLE = [*Role.values, "outsider"]


@pytest.mark.parametrize("person", ALL_PEOPLE)
def test_it_tells_each_role_what_it_can_do_next(world, signed_in, person):
    response = signed_in(world[person]).get(reverse("site:home"))
    assert response.status_code == 200
    sections = response.context["sections"]
    assert len(sections) == 1
    assert sections[0].intro


def test_it_offers_the_coordinator_invitations_and_the_audit_trail(world, signed_in):
    response = signed_in(world[Role.COORDINATOR]).get(reverse("site:home"))
    urls = [task.url for task in response.context["sections"][0].tasks]
    assert reverse("accounts:members", args=[world.municipal.pk]) in urls
    assert any(url.startswith(reverse("site:audit")) for url in urls)


def test_it_offers_the_platform_administrator_account_management_and_no_case_work(world, signed_in):
    response = signed_in(world[Role.PLATFORM_ADMIN]).get(reverse("site:home"))
    urls = [task.url for task in response.context["sections"][0].tasks]
    assert reverse("accounts:platform_users") in urls
    assert reverse("accounts:platform_organisations") in urls


@pytest.mark.parametrize("person", ALL_PEOPLE)
def test_it_serves_the_self_service_pages_to_everyone(world, signed_in, person):
    client = signed_in(world[person])
    for name in ["accounts:security", "accounts:api_tokens", "accounts:my_organisations"]:
        assert client.get(reverse(name)).status_code == 200, name
