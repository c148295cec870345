"""The public help page's short address /help/<country>/<municipality>/, where it is shown to the
people who share it, and its printable poster (issue 9)."""

import importlib
import io
import math

import pytest
import segno
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ContentStream

from strom.accounts.actions import do_save_platform_record
from strom.accounts.models import Municipality
from strom.accounts.roles import Role
from strom.accounts.slugs import first_free, fold
from tests.factories import CountryFactory, MunicipalityFactory

BASE = "https://help.example.invalid"


@pytest.fixture(autouse=True)
def _site_address(settings):
    settings.STROM_BASE_URL = BASE


def poster(client, path="/help/lv/testupe/poster.pdf", **query):
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def qr_cells(reader: PdfReader) -> set[tuple[int, int]]:
    """The dark modules of the QR code drawn on the poster, read back from the PDF's drawing
    operations: segno's SVG draws each run of dark modules in a row as a line from (x, y + 0.5) to
    (x + n, y + 0.5), in modules; WeasyPrint keeps those coordinates and scales them with the
    transformation matrix."""
    page = reader.pages[0]
    cells = set()
    start = None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"m":
            start = tuple(float(n) for n in operands)
        elif operator == b"l" and start is not None:
            (x0, y0), (x1, y1) = start, tuple(float(n) for n in operands)
            assert y0 == y1, "a QR line runs along a row"
            cells |= {(x, math.floor(y0)) for x in range(round(x0), round(x1))}
            start = None
    return cells


def expected_cells(url: str) -> set[tuple[int, int]]:
    matrix = segno.make(url, error="m", micro=False).matrix
    return {(x + 4, y + 4) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}


# --- The short address ---------------------------------------------------------------------------


def test_it_serves_the_public_page_at_the_short_address(world):
    municipality = world.municipal.municipality
    address = reverse("help:public_help", kwargs={"country": "lv", "slug": municipality.slug})
    assert address == "/help/lv/testupe/"
    page = Client().get("/help/lv/testupe/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Testupe" in body
    assert 'href="tel:112"' in body


def test_it_redirects_the_old_address_with_the_id_permanently(world):
    old = Client().get(f"/help/{world.municipal.municipality_id}/")
    assert old.status_code == 301
    assert old["Location"] == "/help/lv/testupe/"
    assert Client().get(f"/help/{world.other.municipality_id}/")["Location"] == "/help/ee/muujarve/"


@pytest.mark.parametrize("typed", ["/help/LV/testupe/", "/help/lv/Testupe/", "/help/Lv/TESTUPE/"])
def test_it_redirects_an_address_typed_in_capitals_to_the_lower_case_one(world, typed):
    response = Client().get(typed)
    assert response.status_code == 301
    assert response["Location"] == "/help/lv/testupe/"


@pytest.mark.parametrize(
    "path",
    [
        "/help/lv/nowhere/",
        "/help/ee/testupe/",  # the name exists, in another country
        "/help/latvia/testupe/",
        "/help/lv/nowhere/poster.pdf",
        "/help/00000000-0000-4000-8000-000000000000/",
    ],
)
def test_it_answers_404_in_the_readers_language_for_an_unknown_address(world, path):
    response = Client(HTTP_ACCEPT_LANGUAGE="lv").get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="lv">' in body
    assert "Nav atrasts" in body  # "Not found", from the Latvian catalogue


# --- The slug ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Priedkalne", "priedkalne"),
        ("Ķekava", "kekava"),
        ("Metsavälja", "metsavalja"),
        ("Žemaičių Naumiestis", "zemaiciu-naumiestis"),
        ("Łódź", "lodz"),
        ("Tromsø", "tromso"),
        ("Ærøskøbing", "aeroskobing"),
        ("Gießen", "giessen"),
        ("Reykjavík", "reykjavik"),
        ("Þingeyri", "thingeyri"),
        ("  Saint-Pierre / Nord  ", "saint-pierre-nord"),
        ("Москва", "place"),  # no Latin letter to keep
        ("A" * 200, "a" * 60),
    ],
)
def test_it_folds_a_name_into_a_slug(name, slug):
    assert fold(name) == slug


def test_it_numbers_a_slug_already_taken():
    assert first_free("kalnupe", set()) == "kalnupe"
    assert first_free("kalnupe", {"kalnupe"}) == "kalnupe-2"
    assert first_free("kalnupe", {"kalnupe", "kalnupe-2", "kalnupe-4"}) == "kalnupe-3"


def test_it_lets_two_countries_have_the_same_slug_and_keeps_it_unique_within_one(db):
    latvia = CountryFactory(code="LV", name="Latvia")
    estonia = CountryFactory(code="EE", name="Estonia")
    here = Municipality.objects.create(country=latvia, name="Kalnupe")
    there = Municipality.objects.create(country=estonia, name="Kalnupe")
    assert here.slug == there.slug == "kalnupe"
    assert Client().get("/help/lv/kalnupe/").context["municipality"] == here
    assert Client().get("/help/ee/kalnupe/").context["municipality"] == there

    # Another name of the same country that folds alike is numbered.
    alike = Municipality.objects.create(country=latvia, name="Kalnupē")
    assert alike.slug == "kalnupe-2"
    # And the database refuses two alike in one country, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.filter(pk=alike.pk).update(slug="kalnupe")


def test_it_keeps_the_slug_when_the_name_changes_so_printed_posters_still_work(world):
    municipality = world.municipal.municipality
    municipality.name = "Testupe Parish"
    municipality.save()
    municipality.refresh_from_db()
    assert municipality.slug == "testupe"
    assert Client().get("/help/lv/testupe/").status_code == 200


def test_it_gives_a_municipality_added_by_a_platform_administrator_its_slug(world):
    created = do_save_platform_record(
        actor=world[Role.PLATFORM_ADMIN],
        record=Municipality(country=world.municipal.country, name="Ķekava"),
    )
    assert created.slug == "kekava"
    assert Client().get("/help/lv/kekava/").status_code == 200


def test_it_fills_the_slugs_of_existing_municipalities_in_the_migration(db):
    migration = importlib.import_module("strom.accounts.migrations.0007_municipality_slug")
    latvian = MunicipalityFactory(country=CountryFactory(code="LV", name="Latvia"), name="Ķekava")
    estonian = MunicipalityFactory(country=CountryFactory(code="EE", name="Estonia"), name="Rannaküla")
    Municipality.objects.update(slug="")  # as the new column finds them
    migration.fill_slugs(django_apps, None)
    latvian.refresh_from_db()
    estonian.refresh_from_db()
    assert (latvian.slug, estonian.slug) == ("kekava", "rannakula")


def test_it_gives_every_demo_municipality_a_working_short_address(db):
    call_command("load_demo", "--quiet-personas")
    assert not Municipality.objects.filter(slug="").exists()
    assert Client().get("/help/lv/kalnupe/").status_code == 200
    assert Client().get("/help/ee/metsavalja/").status_code == 200


# --- Where it is shown ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["site:home", "directory:service_list"])
def test_it_shows_a_coordinator_the_address_to_copy_and_the_poster(world, signed_in, page):
    body = signed_in(world[Role.COORDINATOR]).get(reverse(page)).content.decode()
    assert f'href="/help/lv/testupe/">{BASE}/help/lv/testupe/</a>' in body
    assert "data-copy-from=" in body and 'role="status"' in body
    assert "strom/copy.js" in body
    assert 'href="/help/lv/testupe/poster.pdf?language=lv"' in body


@pytest.mark.parametrize("page", ["site:home", "directory:service_list"])
def test_it_shows_each_member_the_page_of_their_own_municipality_only(world, signed_in, page):
    body = signed_in(world["outsider"]).get(reverse(page)).content.decode()
    assert f"{BASE}/help/ee/muujarve/" in body
    assert "/help/lv/" not in body


@pytest.mark.parametrize("person", [Role.PLATFORM_ADMIN, Role.NATIONAL_COORDINATOR])
@pytest.mark.parametrize("page", ["site:home", "directory:service_list"])
def test_it_shows_no_address_to_someone_without_a_municipality(world, signed_in, person, page):
    response = signed_in(world[person]).get(reverse(page))
    assert response.status_code == 200
    body = response.content.decode()
    assert "/help/" not in body
    assert "public-address" not in body


def test_it_keeps_the_copy_script_out_of_the_page(world, signed_in):
    """The CSP forbids inline scripts: every script is a file, and the button waits for it."""
    body = signed_in(world[Role.COORDINATOR]).get(reverse("site:home")).content.decode()
    assert "<script>" not in body
    assert "<script src=" in body
    start = body.index("data-copy-from=")
    assert " hidden>" in body[start : body.index("</button>", start)]  # copy.js shows it where it works


# --- The poster ----------------------------------------------------------------------------------


def test_it_prints_a_poster_with_the_short_address_112_and_the_name(world):
    reader = poster(Client())
    assert len(reader.pages) == 1
    width, height = (float(n) for n in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = text_of(reader)
    assert "help.example.invalid/help/lv/testupe/" in text
    assert "112" in text
    assert "Testupe" in text


def test_it_draws_a_qr_code_of_the_full_short_address(world):
    cells = qr_cells(poster(Client()))
    assert cells == expected_cells(f"{BASE}/help/lv/testupe/")
    assert cells != expected_cells(f"{BASE}/help/lv/testupe")  # one character less is another code


@pytest.mark.parametrize("language", ["en", "et", "lv", "lt", "ru"])
def test_it_prints_the_poster_in_a_chosen_language_on_one_page(world, language):
    reader = poster(Client(), language=language)
    assert reader.trailer["/Root"]["/Lang"] == language
    assert len(reader.pages) == 1


def test_it_prints_the_poster_in_the_readers_language_unless_one_is_chosen(world):
    assert poster(Client(HTTP_ACCEPT_LANGUAGE="lt")).trailer["/Root"]["/Lang"] == "lt"
    assert poster(Client(HTTP_ACCEPT_LANGUAGE="lt"), language="xx").trailer["/Root"]["/Lang"] == "lt"


def test_it_lets_anyone_print_the_poster_and_only_read_it(world):
    assert Client().post("/help/lv/testupe/poster.pdf").status_code == 405
    response = Client().get("/help/lv/testupe/poster.pdf")
    assert response["Content-Disposition"] == 'inline; filename="help-lv-testupe-en.pdf"'


def test_it_limits_how_often_a_signed_in_person_makes_posters(world, signed_in, settings):
    settings.STROM_RATE_LIMITS = {**settings.STROM_RATE_LIMITS, "export_user": "2/10m"}
    coordinator = signed_in(world[Role.COORDINATOR])
    answers = [coordinator.get("/help/lv/testupe/poster.pdf").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_it_limits_anonymous_posters_like_every_public_page(world, settings):
    settings.STROM_RATE_LIMITS = {**settings.STROM_RATE_LIMITS, "public_ip": "1/5m"}
    phone = Client(REMOTE_ADDR="198.51.100.7")
    assert phone.get("/help/lv/testupe/").status_code == 200
    assert phone.get("/help/lv/testupe/poster.pdf").status_code == 429
