"""No CSV or XLSX file Strom writes holds a cell that a spreadsheet would run as a formula (issue 7,
item 6; OWASP "CSV injection"), and the HSDS tabular package still reads back unchanged."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import CharField, TextField
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from strom.accounts.models import Organisation
from strom.accounts.roles import Role
from strom.core import spreadsheets
from strom.core.spreadsheets import csv_text, safe_cell, unescape_cell, xlsx_bytes
from strom.directory.hsds import applying, exporting, reading
from strom.directory.models import Location, NeedTerm, Service, ServiceLanguage
from strom.directory.taxonomy import sync_need_terms
from tests.factories import CountryFactory, MunicipalityFactory

# What OWASP lists as the start of a formula; written out here, not taken from the code under test.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STARTS = ("=", "+", "-", "@", "\t=", "\r=", "''=")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")
NOT_FILLED = {"status", "kind", "language_codes"}  # choices, or computed from other rows


def formula(n: int, max_length: int | None) -> str:
    text = f'{STARTS[n % len(STARTS)]}HYPERLINK("http://evil.invalid","{n}")'
    return text[:max_length] if max_length else text


def fill_with_formulas(obj, offset: int = 0):
    """Every free text field of obj gets a formula, each starting differently."""
    for n, field in enumerate(obj._meta.concrete_fields, offset):
        free_text = isinstance(field, CharField | TextField) and field.name not in NOT_FILLED
        if free_text and not field.primary_key:
            setattr(obj, field.attname, formula(n, field.max_length))
    obj.save()
    return obj


def is_unsafe(cell: str) -> bool:
    """A cell a spreadsheet would run: it starts like a formula and is not simply a number."""
    return cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell)


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8"), newline="")) for cell in row]


def assert_no_formula_in_xlsx(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in texts)
    return cells


# --- The helper ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil.invalid","x")', '\'=HYPERLINK("http://evil.invalid","x")'),
        ("+371 2000 0000", "+371 2000 0000"),
        ("-24.1", "-24.1"),
        ("+(371) 2000-0000", "+(371) 2000-0000"),
        ("'+371 2000 0000", "''+371 2000 0000"),
        ("+371 2000 0000 ext", "'+371 2000 0000 ext"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=1+1", "''=1+1"),
        ("'quoted'", "'quoted'"),
        ("Shelter = safety", "Shelter = safety"),
        ("", ""),
        (-24.1, -24.1),
        (Decimal("-1.5"), Decimal("-1.5")),
        (7, 7),
        (None, None),
        (True, True),
    ],
)
def test_it_puts_an_apostrophe_before_text_that_starts_like_a_formula(value, expected):
    assert safe_cell(value) == expected
    assert unescape_cell(safe_cell(value)) == value


@given(st.text())
def test_it_gives_back_every_text_it_escaped_and_never_a_formula(text):
    escaped = safe_cell(text)
    assert unescape_cell(escaped) == text
    assert not escaped.startswith(FORMULA_STARTS) or spreadsheets.PLAIN_NUMBER.fullmatch(escaped)


def test_it_writes_text_as_text_and_numbers_as_numbers_in_a_workbook():
    content = xlsx_bytes({"Sheet: one/two": [["Name", "Places"], ["=1+1", 3], ["-x", Decimal("-2.5")]]})
    cells = assert_no_formula_in_xlsx(content)
    assert [cell.value for cell in cells] == ["Name", "Places", "=1+1", 3, "-x", -2.5]
    assert [cell.data_type for cell in cells] == ["s", "s", "s", "n", "s", "n"]
    assert list(csv.reader(io.StringIO(csv_text([["=1+1", -3]])))) == [["'=1+1", "-3"]]


def test_it_leaves_writing_csv_and_xlsx_to_the_one_helper():
    """A new export that writes its own CSV or workbook would skip the escaping."""
    root = Path(__file__).resolve().parent.parent / "strom"
    writers = re.compile(r"csv\.(writer|DictWriter)\b|\bopenpyxl\b|\bxlsxwriter\b")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "spreadsheets.py" and writers.search(path.read_text("utf-8"))
    ]
    assert offenders == []


# --- The HSDS tabular package ---------------------------------------------------------------------


@pytest.fixture
def poisoned(world):
    """A directory in which every free text field, of every object the package exports, is a formula."""
    sync_need_terms(NeedTerm)
    municipality = fill_with_formulas(MunicipalityFactory(country=world.ngo.country), 0)
    organisation = fill_with_formulas(
        Organisation.objects.create(name="x", country=world.ngo.country, municipality=municipality), 1
    )
    service = fill_with_formulas(Service(organisation=organisation, municipality=municipality), 2)
    term = NeedTerm.objects.create(
        code=formula(3, 50),
        taxonomy_version=formula(6, 20),
        position=999,
        names={"en": formula(4, None)},
        definitions={"en": formula(5, None)},
    )
    service.needs.set([term, NeedTerm.objects.get(code="accommodation")])
    ServiceLanguage.objects.create(service=service, code="lv")
    location = fill_with_formulas(
        Location(
            organisation=organisation,
            municipality=municipality,
            latitude=Decimal("-33.500000"),
            longitude=Decimal("-70.600000"),
        ),
        4,
    )
    service.locations.add(location)
    return Service.objects.filter(pk=service.pk)


def test_it_escapes_a_formula_in_every_text_column_of_the_hsds_tabular_package(poisoned):
    files = exporting.tabular_package(poisoned, [], lambda location: True)
    cells = {name: csv_cells(content) for name, content in files.items() if name.endswith(".csv")}
    assert {name: [c for c in found if is_unsafe(c)] for name, found in cells.items()} == {
        name: [] for name in cells
    }
    service = poisoned.get()
    location = service.locations.get()
    expected = {
        "organizations.csv": [service.organisation.name],
        "services.csv": [service.name, service.description, service.email, service.url],
        "phones.csv": [service.phone],
        "schedules.csv": [service.hours],
        "contacts.csv": [service.referral_contact],
        "service_areas.csv": [service.municipality.name],
        "locations.csv": [location.name],
        "addresses.csv": [location.address_1, location.city, location.postal_code],
    }
    for name, texts in expected.items():
        assert {safe_cell(text) for text in texts} <= set(cells[name]), name
    term = NeedTerm.objects.get(position=999)
    texts = {safe_cell(term.code), safe_cell(term.names["en"]), safe_cell(term.definitions["en"])}
    assert texts <= set(cells["taxonomy_terms.csv"])
    assert {"-33.5", "-70.6"} <= set(cells["locations.csv"])  # numbers stay numbers


def test_it_reads_back_the_same_names_from_an_escaped_tabular_package(world):
    """The apostrophe that defuses a formula comes off again on import: the data does not change."""
    sync_need_terms(NeedTerm)
    home = world.ngo.municipality
    organisation = Organisation.objects.create(
        name='=HYPERLINK("http://evil.invalid","x")', country=home.country, municipality=home
    )
    service = Service.objects.create(
        organisation=organisation,
        municipality=home,
        name="+ Shelter",
        description="-- walk in",
        email="-desk@example.invalid",
        phone="+371 2000 0000",
        hours="@ all hours",
        referral_contact="''=1+1",
    )
    service.needs.set(NeedTerm.objects.filter(code="accommodation"))
    service.locations.add(
        Location.objects.create(
            organisation=organisation,
            municipality=home,
            name="'quoted house'",
            address_1="=1+1 street",
            city="-Town",
            postal_code="+LV-0000",
        )
    )
    elsewhere = MunicipalityFactory(country=CountryFactory(code="LT", name="Lithuania"), name="Bandymai")
    package = exporting.zip_package(exporting.tabular_package(Service.objects.filter(pk=service.pk), []))
    assert (
        ",+371 2000 0000"
        in exporting.tabular_package(Service.objects.filter(pk=service.pk), [])["phones.csv"].decode()
    )
    plan = reading.plan_import(package, elsewhere)
    assert plan.problems == []
    applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=elsewhere)
    text_fields = ("name", "description", "email", "phone", "hours", "referral_contact")
    imported = Service.objects.select_related("organisation").get(municipality=elsewhere)
    assert [getattr(imported, f) for f in text_fields] == [getattr(service, f) for f in text_fields]
    assert imported.organisation.name == organisation.name
    place = imported.locations.get()
    assert (place.name, place.address_1, place.city, place.postal_code) == (
        "'quoted house'",
        "=1+1 street",
        "-Town",
        "+LV-0000",
    )


# --- The gap analysis downloads -------------------------------------------------------------------


@pytest.fixture
def poisoned_gaps(world):
    sync_need_terms(NeedTerm)
    need = NeedTerm.objects.get(code="accommodation")
    need.names = {language: "@SUM(1+1)" for language in need.names}
    need.save()
    service = Service.objects.create(organisation=world.social, municipality=world.ngo.municipality, name="x")
    service.needs.set([need])
    Organisation.objects.filter(pk=world.social.pk).update(name="-2+3+cmd|' /C calc'!A0")
    return world


def test_it_escapes_the_gap_analysis_downloads(poisoned_gaps, signed_in):
    client = signed_in(poisoned_gaps[Role.COORDINATOR])
    cells = csv_cells(client.get(reverse("directory:gap_analysis_csv")).content)
    assert [c for c in cells if is_unsafe(c)] == []
    assert {"'@SUM(1+1)", "'-2+3+cmd|' /C calc'!A0"} <= set(cells)
    workbook = assert_no_formula_in_xlsx(client.get(reverse("directory:gap_analysis_xlsx")).content)
    assert {"@SUM(1+1)", "-2+3+cmd|' /C calc'!A0"} <= {cell.value for cell in workbook}
