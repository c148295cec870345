"""What the directory's pages start at: a provider's task opens their own services, and the HSDS
export starts at the person's own municipality (issue 9)."""

import pytest
from django.urls import reverse

from strom.accounts.models import Municipality
from strom.accounts.roles import Role
from strom.directory.models import Service
from tests.factories import OrganisationFactory, make_member


@pytest.fixture
def listings(world):
    ours = Service.objects.create(
        organisation=world.ngo, municipality=world.ngo.municipality, name="Our shelter"
    )
    theirs = Service.objects.create(
        organisation=world.social, municipality=world.social.municipality, name="Their advice desk"
    )
    return ours, theirs


def test_it_opens_a_providers_own_services_from_the_home_page(world, signed_in, listings):
    client = signed_in(world[Role.SERVICE_PROVIDER])
    tasks = [
        task for section in client.get(reverse("site:home")).context["sections"] for task in section.tasks
    ]
    (keep_up_to_date,) = [task for task in tasks if str(task.title) == "Keep your services up to date"]
    assert keep_up_to_date.url == reverse("directory:service_list") + f"?organisation={world.ngo.pk}"
    page = client.get(keep_up_to_date.url)
    assert [service.name for service, _locations in page.context["rows"]] == ["Our shelter"]


def test_it_shows_an_organisation_without_services_its_own_empty_list_rather_than_every_service(
    world, signed_in, listings
):
    helpers = OrganisationFactory(name="New Helpers", municipality=world.ngo.municipality)
    provider = make_member(helpers, Role.SERVICE_PROVIDER, username="newhelper")
    url = reverse("directory:service_list") + f"?organisation={helpers.pk}"
    assert signed_in(provider).get(url).context["rows"] == []
    # Someone else's organisation without services is not a choice: the filter is simply ignored.
    assert len(signed_in(world[Role.CASEWORKER]).get(url).context["rows"]) == 2


@pytest.mark.parametrize("person", [Role.COORDINATOR, Role.CASEWORKER, "outsider"])
def test_it_starts_the_export_at_the_persons_own_municipality(world, signed_in, person):
    away = world.other.municipality
    Service.objects.create(organisation=world.ngo, municipality=world.ngo.municipality, name="Here")
    Service.objects.create(organisation=world.other, municipality=away, name="There")
    Municipality.objects.create(country=away.country, name="Aaa first by name")
    page = signed_in(world[person]).get(reverse("directory:service_list")).content.decode()
    own = world.other.municipality if person == "outsider" else world.ngo.municipality
    selected = [m for m in (world.ngo.municipality, away) if f'<option value="{m.pk}" selected>' in page]
    assert selected == [own]


def test_it_starts_the_export_at_the_municipality_filtered_by(world, signed_in):
    away = world.other.municipality
    Service.objects.create(organisation=world.ngo, municipality=world.ngo.municipality, name="Here")
    Service.objects.create(organisation=world.other, municipality=away, name="There")
    client = signed_in(world[Role.COORDINATOR])
    page = client.get(reverse("directory:service_list") + f"?municipality={away.pk}").content.decode()
    export_form = page.split('id="export-municipality"')[1]
    assert f'<option value="{away.pk}" selected>' in export_form
    assert f'<option value="{world.ngo.municipality.pk}" selected>' not in export_form
