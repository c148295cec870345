"""The error summary at the top of every form (includes/form_errors.html, after GOV.UK's pattern): a box
that takes focus, with a link to each field in error, fields marked aria-invalid and described by their
message, and "Error:" at the start of the page's title. Nothing is saved on bad input."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse

from strom.accounts.models import Invitation
from strom.accounts.roles import Role
from strom.directory.forms import ServiceForm
from strom.directory.models import Location, NeedTerm, Service
from strom.directory.taxonomy import sync_need_terms
from strom.pathways.models import Step
from tests.factories import TEST_PASSWORD
from tests.pathway_objects import published_chain
from tests.test_directory import service_form


class _Page(HTMLParser):
    """Every element's attributes by id, the error summary's links and items, and the title."""

    def __init__(self, html: str):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.summary: dict | None = None
        self.links: list[str] = []
        self.items: list[str] = []
        self.title = ""
        self._in_summary = 0
        self._in_title = False
        self._in_item = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {"tag": tag, **{name: value or "" for name, value in attrs}}
        if "id" in attributes:
            self.by_id[attributes["id"]] = attributes
        if "data-error-summary" in attributes:
            self.summary = attributes
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.links.append(attributes["href"])
        if self._in_summary and tag == "li":
            self._in_item = True
            self.items.append("")
        self._in_title = self._in_title or tag == "title"

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary -= 1
        if tag == "li":
            self._in_item = False
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_summary and self._in_item:
            self.items[-1] += data


def filled_service_form(organisation, municipality, **overrides) -> dict:
    """tests/test_directory.py's valid service form, with any required field added to the form since
    given its initial value or model default, so that these tests follow the form as it grows."""
    data = service_form(organisation, municipality)
    for name, field in ServiceForm.base_fields.items():
        if name in data or not field.required or isinstance(field, forms.BooleanField):
            continue
        value = field.initial
        if value is None and name in ServiceForm._meta.fields:
            value = Service._meta.get_field(name).get_default()
        if value not in (None, "", [], ()):
            data[name] = value
    data.update(overrides)
    return data


def _page(response) -> _Page:
    return _Page(response.content.decode())


def _assert_marked(page: _Page, field_id: str) -> None:
    """The input says it is invalid and is described by its message, which is on the page."""
    field = page.by_id[field_id]
    assert field.get("aria-invalid") == "true", field
    assert f"{field_id}_error" in field.get("aria-describedby", "").split()
    assert f"{field_id}_error" in page.by_id


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)


def test_it_sums_up_every_error_of_the_service_form_with_a_link_to_its_field(world, signed_in, needs):
    data = filled_service_form(
        world.ngo,
        world.ngo.municipality,
        name="",
        languages=[],
        capacity_free="11",
        **{"location-latitude": "56.9"},
    )
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:service_new"), data)
    assert response.status_code == 200
    page = _page(response)
    assert page.summary is not None and page.summary["tabindex"] == "-1"
    assert page.by_id[page.summary["aria-labelledby"]]["tag"] == "h2"
    assert "There is a problem" in response.content.decode()
    # One link per field in error, to the element that takes focus: a group of checkboxes links to its
    # first choice, and the location form's fields (prefixed) are summed up in the same box.
    assert {"#id_name", "#id_languages_0", "#id_capacity_free", "#id_location-longitude"} <= set(page.links)
    for link in page.links:
        assert link[1:] in page.by_id, f"{link} points at nothing"
    for field_id in ("id_name", "id_capacity_free", "id_location-longitude"):
        _assert_marked(page, field_id)
    assert page.by_id["id_languages_0"].get("aria-invalid") == "true"
    assert page.title.strip().startswith("Error:")
    assert not Service.objects.exists() and not Location.objects.exists()


def test_it_shows_no_summary_and_no_error_title_before_anything_is_sent(world, signed_in, needs):
    response = signed_in(world[Role.SERVICE_PROVIDER]).get(reverse("directory:service_new"))
    page = _page(response)
    assert page.summary is None
    assert not page.title.strip().startswith("Error:")
    assert "aria-invalid" not in response.content.decode()


def test_it_sums_up_the_errors_of_a_pathway_step(world, signed_in):
    chain = published_chain(world)
    step = chain.shelter_step
    before = (step.title, step.backup_id)
    data = {
        "title": "",
        "position": "0",
        "responsible": str(world.ngo.pk),
        "backup": str(world.ngo.pk),
        "for_adults": "on",
        "for_nationals": "on",
        "max_response_hours": "-3",
    }
    response = signed_in(world[Role.COORDINATOR]).post(reverse("pathways:step_edit", args=[step.pk]), data)
    assert response.status_code == 200
    page = _page(response)
    assert {"#id_title", "#id_backup", "#id_max_response_hours"} <= set(page.links)
    for field_id in ("id_title", "id_backup", "id_max_response_hours"):
        _assert_marked(page, field_id)
    assert page.title.strip().startswith("Error:")
    step = Step.objects.get(pk=step.pk)
    assert (step.title, step.backup_id) == before


def test_it_lists_an_error_of_no_field_as_plain_text(world, client):
    response = client.post(
        reverse("accounts:sign_in"), {"username": world[Role.CASEWORKER].username, "password": "not it"}
    )
    page = _page(response)
    assert page.summary is not None
    assert page.links == [] and len(page.items) == 1 and page.items[0].strip()
    assert page.title.strip().startswith("Error:")


def test_it_sums_up_the_errors_of_a_form_drawn_by_the_shared_form_template(world, signed_in):
    url = reverse("accounts:members", args=[world.municipal.pk])
    response = signed_in(world[Role.COORDINATOR]).post(url, {"email": "not an address", "role": "nobody"})
    assert response.status_code == 200
    page = _page(response)
    assert {"#id_email", "#id_role"} <= set(page.links)
    _assert_marked(page, "id_email")
    assert not Invitation.objects.exists()


def test_it_sums_up_a_password_change_without_saving_it(world, signed_in):
    person = world[Role.CASEWORKER]
    response = signed_in(person).post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "short", "new_password2": "other"},
    )
    page = _page(response)
    assert "#id_old_password" in page.links
    _assert_marked(page, "id_old_password")
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)
