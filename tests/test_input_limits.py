"""Large or odd input (security.md 23-24): bodies over the limit answer 413, control characters are
refused with a clear message wherever text comes in (page, API, query string, import file), every
text has a maximum length, and SQLite and PostgreSQL behave the same (PostgreSQL cannot store NUL).
"""

import json
import uuid

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.db import models
from django.test import Client
from django.urls import reverse

from strom.accounts.actions import do_create_api_token
from strom.accounts.models import Municipality
from strom.accounts.roles import Role
from strom.core.code_sets import CodeSetField
from strom.core.text import (
    DESCRIPTION_MAX,
    first_refused_character,
    refuse_control_characters,
    strip_control_characters,
)
from strom.directory.hsds import applying, reading
from strom.directory.models import DirectoryImport, Location, NeedTerm, Service
from strom.directory.taxonomy import sync_need_terms
from strom.pathways.models import Agreement, Stage
from tests.factories import MembershipFactory, OrganisationFactory
from tests.pathway_objects import published_chain

# Each refused kind: NUL, other C0 (SOH, ESC, FS), DEL, C1 (NEL, CSI).
REFUSED = ["\x00", "\x01", "\x1b", "\x1c", "\x7f", "\x85", "\x9b"]
MULTI_LINE = "First line\twith a tab.\r\nSecond line.\n\n\tIndented third line: ąčę ž ё €."
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)


def api(user) -> Client:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='t', days=1)[1]}")
    client.raise_request_exception = False  # a server error must show as a 500, not as a test error
    return client


def page(signed_in, user) -> Client:
    client = signed_in(user)
    client.raise_request_exception = False
    return client


def service_json(world, **changes) -> str:
    data = {
        "organisation": str(world.ngo.pk),
        "municipality": str(world.ngo.municipality_id),
        "name": "Advice line",
        "needs": ["counselling_information"],
    }
    return json.dumps({**data, **changes})


def service_form(world, **changes) -> dict:
    data = {
        "organisation": str(world.ngo.pk),
        "municipality": str(world.ngo.municipality_id),
        "name": "Day centre",
        "status": "active",
        "needs": ["counselling_information"],
        "languages": ["lv"],
        "serves_adults": "on",
        "independent_of_cooperation": "true",
        "open_to_presumed_victims": "unknown",
        "is_free": "true",
    }
    return {**data, **changes}


def nothing_saved() -> bool:
    return not Service.objects.exists() and not Location.objects.exists()


# --- The policy itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "refused", "stripped"),
    [
        ("Plain text", None, "Plain text"),
        (MULTI_LINE, None, MULTI_LINE),
        ("A\x00B", "\x00", "AB"),
        ("A\x08B\x0bC\x0cD", "\x08", "ABCD"),
        ("escape \x1b[31m red", "\x1b", "escape [31m red"),
        ("del\x7f", "\x7f", "del"),
        ("c1 \x80 \x9f", "\x80", "c1  "),
        ("lone \ud800 surrogate", "\ud800", "lone  surrogate"),
        ("emoji 😀 and \u2028 separator, \u00a0 no-break space", None, None),
    ],
)
def test_it_tells_refused_characters_from_ordinary_text(text, refused, stripped):
    assert first_refused_character(text) == refused
    assert strip_control_characters(text) == (text if stripped is None else stripped)


def test_it_gives_every_typed_text_of_every_model_the_policy_and_a_length():
    """A new app's text fields get the same rules: forms, the API (full_clean) and imports rely on them.
    Not checked: core (the audit trail and what else Strom writes itself) and the fields below."""
    exempt = {
        # Django's own user fields: the registration form checks the names, the username is a regex.
        "accounts.User.username",
        "accounts.User.first_name",
        "accounts.User.last_name",
        "accounts.User.password",
        "accounts.Invitation.token_digest",  # a digest Strom computes
        "directory.NeedTerm.taxonomy_version",  # from the taxonomy file shipped with Strom
        "directory.ServiceLanguage.code",  # checked against the list of ISO 639 codes
        "directory.DirectoryImport.file_name",  # Django removes non-printable characters from it
        "directory.DirectoryImport.kind",  # "json" or "zip", set by Strom
    }
    missing, unbounded = [], []
    for app in apps.get_app_configs():
        if not app.name.startswith("strom.") or app.label == "core":
            continue
        for field in (f for model in app.get_models() for f in model._meta.get_fields()):
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            name = f"{field.model._meta.label}.{field.name}"
            if not field.editable or name in exempt or isinstance(field, models.SlugField):
                continue  # a slug's own validator allows letters, digits, - and _ only
            if isinstance(field, CodeSetField):
                continue  # codes from a fixed list: validate() refuses anything else
            if refuse_control_characters not in field.validators:
                missing.append(name)
            if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
                unbounded.append(name)  # a TextField's max_length alone binds only its form field
    assert missing == [], f"add validators=[refuse_control_characters] to {missing}"
    assert unbounded == [], f"add max_length (and long_text() to a TextField) to {unbounded}"


# --- Bodies over the limit -----------------------------------------------------------------------


def test_it_answers_413_json_for_an_api_body_over_the_limit(world, needs):
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services", service_json(world, description="x" * 2_700_000), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is too large: a request body may hold at most 2.5 MB. "
        "Send less at once, or shorten the longest texts."
    }
    assert nothing_saved()


def test_it_answers_a_413_page_for_a_form_over_the_limit(world, signed_in, needs):
    client = page(signed_in, world[Role.SERVICE_PROVIDER])
    response = client.post(reverse("directory:service_new"), service_form(world, description="x" * 2_700_000))
    assert response.status_code == 413
    assert "errors/413.html" in [t.name for t in response.templates]
    assert "at most 2.5 MB of text. Nothing has been saved." in response.content.decode()
    assert nothing_saved()


def test_it_translates_the_413_page(world, signed_in, needs):
    client = page(signed_in, world[Role.SERVICE_PROVIDER])
    response = client.post(
        reverse("directory:service_new"),
        service_form(world, description="x" * 2_700_000),
        HTTP_ACCEPT_LANGUAGE="lv",
    )
    assert response.status_code == 413 and '<html lang="lv"' in response.content.decode()


def test_it_still_takes_an_uploaded_file_larger_than_the_body_limit(world, signed_in, settings, tmp_path):
    """Uploaded files do not count towards DATA_UPLOAD_MAX_MEMORY_SIZE: their own limit applies."""
    settings.STROM_PRIVATE_FILES_DIR = tmp_path
    published_chain(world)
    pdf = b"%PDF-1.4\n%" + b"0" * 3_000_000 + b"\n%%EOF\n"
    response = signed_in(world[Role.COORDINATOR]).post(
        reverse("pathways:agreement_new") + f"?municipality={world.municipal.municipality_id}",
        {
            "title": "Large scan",
            "parties": [str(world.ngo.pk), str(world.social.pk)],
            "status": "draft",
            "document": SimpleUploadedFile("scan.pdf", pdf, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Agreement.objects.get(title="Large scan").document.size == len(pdf)


def test_it_still_takes_an_import_file_larger_than_the_body_limit(world, signed_in, needs):
    service = {
        "id": SERVICE_ID,
        "name": "Night line",
        "status": "active",
        "organization_id": str(uuid.uuid4()),
    }
    payload = json.dumps([service]).encode() + b" " * 3_000_000
    response = signed_in(world[Role.COORDINATOR]).post(
        reverse("directory:import_start"),
        {
            "municipality": str(world.municipal.municipality_id),
            "file": SimpleUploadedFile("big.json", payload),
        },
    )
    job = DirectoryImport.objects.get()
    assert response["Location"] == reverse("directory:import_detail", args=[job.pk])


# --- Control characters --------------------------------------------------------------------------


@pytest.mark.parametrize("character", REFUSED)
def test_it_refuses_a_control_character_in_a_name_on_the_page(world, signed_in, needs, character):
    client = page(signed_in, world[Role.SERVICE_PROVIDER])
    response = client.post(
        reverse("directory:service_new"), service_form(world, name=f"Day{character}centre")
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["name"]
    assert "control character" in message or "Null characters are not allowed" in message
    assert nothing_saved()


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Advice\x00line"), ("description", "Call us\x1b[2J"), ("url", "https://example.org/\x00")],
)
def test_it_refuses_a_control_character_in_an_api_body(world, needs, field, value):
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services", service_json(world, **{field: value}), content_type="application/json"
    )
    assert response.status_code == 400
    character = first_refused_character(value)
    assert response.json() == {
        "detail": f"The field {field} contains an invisible control character (U+{ord(character):04X}), "
        "which Strom does not accept. Remove it and send again."
    }
    assert nothing_saved()


def test_it_names_the_place_of_a_control_character_deep_in_an_api_body(world, needs):
    body = service_json(world, needs=["counselling_information", "inter\x00pretation"])
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services", body, content_type="application/json"
    )
    assert response.status_code == 400 and "The field needs[1] contains" in response.json()["detail"]
    assert nothing_saved()


def test_it_refuses_a_control_character_in_a_query_string(world, signed_in, needs):
    response = api(world[Role.CASEWORKER]).get("/api/v1/services?need=accommo%00dation")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The query parameter need contains an invisible")
    listing = page(signed_in, world[Role.CASEWORKER]).get(reverse("directory:service_list") + "?text=a%00b")
    assert listing.status_code == 400
    assert "The query parameter text contains an invisible" in listing.content.decode()


def test_it_refuses_a_control_character_in_a_step_via_the_api(world):
    chain = published_chain(world)
    step = {"pathway": str(chain.pathway.pk), "phase": "identification", "title": "Call\x07"}
    response = api(world[Role.COORDINATOR]).post(
        "/api/v1/steps", json.dumps(step), content_type="application/json"
    )
    assert response.status_code == 400 and "The field title contains" in response.json()["detail"]


@pytest.mark.parametrize("form", ["json", "tabular"])
def test_it_refuses_an_import_file_with_a_control_character_naming_row_and_field(world, needs, form):
    organisation = {"id": str(uuid.uuid4()), "name": "Elsewhere", "description": ""}
    services = [
        {"id": SERVICE_ID, "name": "Fine service", "status": "active", "organization_id": organisation["id"]},
        {
            "id": str(uuid.uuid4()),
            "name": "Night\x00line",
            "status": "active",
            "organization_id": organisation["id"],
        },
    ]
    if form == "json":
        payload, where = (
            json.dumps({"services": services, "organizations": [organisation]}),
            "row 2, field name",
        )
    else:
        files = {
            "services.csv": "id,name,status,organization_id\n"
            + "".join(f"{s['id']},{s['name']},active,{s['organization_id']}\n" for s in services)
        }
        files["organizations.csv"] = f"id,name,description\n{organisation['id']},Elsewhere,\n"
        payload, where = files, "services.csv, row 2, column name"
    plan = reading.plan_import(payload, world.municipal.municipality)
    assert [str(p) for p in plan.problems] == [
        f"{where}: This text contains an invisible control character (U+0000) that cannot be saved."
    ]
    assert nothing_saved()


def test_it_stores_the_refusal_of_an_import_file_on_both_databases(world, signed_in, needs):
    """The problems are kept as JSON: on PostgreSQL a NUL inside them would fail the request."""
    service = {
        "id": SERVICE_ID,
        "name": "Night line\x00",
        "status": "active",
        "organization_id": str(uuid.uuid4()),
    }
    weird_key = {"id": str(uuid.uuid4()), "na\x00me": 5, "organization_id": str(uuid.uuid4())}
    payload = json.dumps([service, weird_key]).encode()
    client = page(signed_in, world[Role.COORDINATOR])
    response = client.post(
        reverse("directory:import_start"),
        {"municipality": str(world.municipal.municipality_id), "file": SimpleUploadedFile("x.json", payload)},
    )
    job = DirectoryImport.objects.get()
    assert response.status_code == 302 and job.status == "invalid"
    assert any("row 1, field name: This text contains" in problem for problem in job.problems)
    assert not any("\x00" in problem for problem in job.problems)
    assert client.get(response["Location"]).status_code == 200
    assert nothing_saved()


# --- Lengths -------------------------------------------------------------------------------------


def test_it_refuses_two_million_characters_via_the_api(world, needs):
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services", service_json(world, description="x" * 2_000_000), content_type="application/json"
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "description"] and error["type"] == "string_too_long"
    assert nothing_saved()


def test_it_refuses_two_million_characters_on_the_page(world, signed_in, needs):
    client = page(signed_in, world[Role.SERVICE_PROVIDER])
    response = client.post(reverse("directory:service_new"), service_form(world, description="x" * 2_000_000))
    assert response.status_code == 200
    assert "at most 5000 characters" in response.context["form"].errors["description"][0]
    assert nothing_saved()


def test_it_refuses_a_description_over_the_limit_in_an_import_file(world, needs):
    service = {
        "id": SERVICE_ID,
        "name": "Night line",
        "status": "active",
        "description": "x" * (DESCRIPTION_MAX + 1),
        "organization": {"id": str(uuid.uuid4()), "name": "Elsewhere", "description": ""},
    }
    plan = reading.plan_import([service], world.municipal.municipality)
    assert [(p.row, p.field) for p in plan.problems] == [(1, "description")]


def test_it_refuses_a_stage_note_over_the_limit(world, signed_in):
    chain = published_chain(world)
    stage = Stage.objects.filter(pathway=chain.pathway).first()
    client = page(signed_in, world[Role.COORDINATOR])
    client.post(reverse("pathways:stage_note", args=[stage.pk]), {"note": "x" * 2_001})
    stage.refresh_from_db()
    assert len(stage.note) < 2_001
    response = api(world[Role.COORDINATOR]).post(
        f"/api/v1/pathways/{chain.pathway.pk}/versions?note={'x' * 301}"
    )
    assert response.status_code == 422 and chain.pathway.versions.count() == 1


# --- Ordinary text still works -------------------------------------------------------------------


def test_it_keeps_a_multi_line_description_with_tabs_from_the_page_and_the_api(world, signed_in, needs):
    page(signed_in, world[Role.SERVICE_PROVIDER]).post(
        reverse("directory:service_new"), service_form(world, name="From the page", description=MULTI_LINE)
    )
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services",
        service_json(world, name="From the API", description=MULTI_LINE),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    from_page = Service.objects.get(name="From the page").description
    assert from_page.replace("\r\n", "\n") == MULTI_LINE.replace("\r\n", "\n")
    assert Service.objects.get(name="From the API").description == MULTI_LINE


def test_it_imports_a_multi_line_description_with_tabs(world, needs):
    empty = Municipality.objects.create(country=world.ngo.country, name="Emptyville")
    MembershipFactory(
        user=world[Role.COORDINATOR],
        organisation=OrganisationFactory(municipality=empty),
        role=Role.COORDINATOR,
    )
    service = {
        "id": SERVICE_ID,
        "name": "Night line",
        "status": "active",
        "description": MULTI_LINE,
        "organization": {"id": str(uuid.uuid4()), "name": "Elsewhere", "description": ""},
    }
    plan = reading.plan_import([service], empty)
    assert plan.problems == []
    applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=empty)
    assert Service.objects.get(municipality=empty).description == MULTI_LINE
