"""The languages a service is offered in: every ISO 639-1 language, named in its own language (CLDR
through babel) and the reader's, the chosen ones and the region's first, filterable on the page."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from strom.accounts.actions import do_create_api_token
from strom.accounts.roles import Role
from strom.directory.languages import REGION, codes, language_choices, language_name
from strom.directory.models import NeedTerm, Service, ServiceLanguage
from strom.directory.taxonomy import sync_need_terms
from tests.test_directory import make_service
from tests.test_form_errors import filled_service_form

# ISO 639-1 as the registration authority lists it (183 codes), written out here so that the test does
# not take babel's word for what babel gives.
ISO_639_1 = set(
    re.findall(
        "[a-z]{2}",
        """
        aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
        ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii
        ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi
        mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw
        sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk
        ur uz ve vi vo wa wo xh yi yo za zh zu
        """,
    )
)


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)


def _valid(world, **overrides):
    return filled_service_form(world.ngo, world.ngo.municipality, **overrides)


def _checkbox_values(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="languages" value="([^"]+)"', html)


def test_it_offers_exactly_the_iso_639_1_languages_the_region_first():
    assert len(ISO_639_1) == 183
    offered = [code for code, _ in language_choices()]
    assert set(offered) == ISO_639_1 == set(codes())
    assert len(offered) == len(set(offered))
    assert offered[: len(REGION)] == ["et", "lv", "lt", "ru", "en", "uk", "pl", "be", "fi", "sv", "de"]


@pytest.mark.parametrize(
    ("reader", "code", "label"),
    [
        ("ru", "lv", "Latviešu (латышский)"),
        ("ru", "ru", "Русский"),
        ("en", "lv", "Latviešu (Latvian)"),
        ("en", "en", "English"),
        ("lv", "lv", "Latviešu"),
        ("lv", "et", "Eesti (igauņu)"),
        ("et", "lt", "Lietuvių (leedu)"),
        ("lt", "uk", "Українська (ukrainiečių)"),
        ("en", "pl", "Polski (Polish)"),
    ],
)
def test_it_names_a_language_in_its_own_language_capitalised_and_in_the_readers(reader, code, label):
    with translation.override(reader):
        assert language_name(code) == label


def test_it_shows_the_autonyms_with_their_language_on_the_service_form(world, signed_in, needs):
    client = signed_in(world[Role.SERVICE_PROVIDER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get(reverse("directory:service_new")).content.decode()
    assert '<span lang="lv">Latviešu</span> (латышский)' in html
    assert '<span lang="ru">Русский</span></span></label>' in html
    # A group with its legend; the filter box, hidden until the script shows it, is labelled and has a
    # live count of what it shows.
    assert re.search(r'<fieldset class="field field--group[^"]*"[^>]*>\s*<legend>[^<]*', html)
    assert '<div class="choice-filter" data-choice-filter hidden>' in html
    assert '<label for="id_languages_filter">' in html
    assert 'id="id_languages_count" aria-live="polite"' in html
    values = _checkbox_values(html)
    assert values[: len(REGION)] == list(REGION) and set(values) == ISO_639_1


def test_it_lists_the_chosen_languages_first(world, signed_in, needs):
    service = make_service(world.ngo, ["counselling_information"], ["sq", "lv"], name="Advice desk")
    html = signed_in(world[Role.SERVICE_PROVIDER]).get(reverse("directory:service_edit", args=[service.pk]))
    values = _checkbox_values(html.content.decode())
    assert values[:2] == ["lv", "sq"]
    assert values[2:5] == ["et", "lt", "ru"]
    checked = re.findall(r'value="([^"]+)"[^>]*checked', html.content.decode())
    assert {"lv", "sq"} <= set(checked)


def test_it_refuses_an_unknown_code_with_a_clear_message_and_saves_nothing(world, signed_in, needs):
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(
        reverse("directory:service_new"), _valid(world, languages=["lv", "xx"])
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["languages"])
    assert "“xx” is not a language code Strom knows" in message and "ISO 639-1" in message
    assert not Service.objects.exists()


def test_it_keeps_a_code_an_import_stored_valid_for_that_service_only(world, signed_in, needs):
    # HSDS allows ISO 639-3 codes (Asturian has no two-letter code); an imported service keeps its code.
    service = make_service(world.ngo, ["counselling_information"], ["ast"], name="Imported desk")
    client = signed_in(world[Role.SERVICE_PROVIDER])
    edit = client.get(reverse("directory:service_edit", args=[service.pk])).content.decode()
    assert _checkbox_values(edit)[0] == "ast"
    response = client.post(
        reverse("directory:service_edit", args=[service.pk]),
        _valid(world, name="Imported desk", languages=["ast", "lv"]),
    )
    assert response.status_code == 302
    assert sorted(ServiceLanguage.objects.filter(service=service).values_list("code", flat=True)) == [
        "ast",
        "lv",
    ]
    response = client.post(
        reverse("directory:service_new"), _valid(world, name="New desk", languages=["ast"])
    )
    assert response.status_code == 200 and "languages" in response.context["form"].errors


def test_it_refuses_an_unknown_code_through_the_api_too(world, needs):
    _, token = do_create_api_token(actor=world[Role.SERVICE_PROVIDER], name="test", days=1)
    body = {
        "organisation": str(world.ngo.pk),
        "municipality": str(world.ngo.municipality_id),
        "name": "API desk",
        "needs": ["counselling_information"],
        "languages": ["lv", "xx"],
    }
    response = Client().post(
        "/api/v1/services", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert "xx" in response.json()["detail"] and "ISO 639-1" in response.json()["detail"]
    assert not Service.objects.exists()


def test_it_names_the_languages_on_the_service_page(world, signed_in, needs):
    service = make_service(world.ngo, ["counselling_information"], ["lv", "uk"], name="Advice desk")
    html = signed_in(world[Role.CASEWORKER]).get(reverse("directory:service_detail", args=[service.pk]))
    assert "Latviešu (Latvian), Українська (Ukrainian)" in html.content.decode()
