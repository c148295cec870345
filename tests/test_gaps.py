import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from strom.accounts.roles import Role
from strom.core.spreadsheets import safe_cell
from strom.directory.gaps import (
    NO_CHILDREN,
    NO_FREE_PLACES,
    NO_LANGUAGE,
    NO_MEN,
    NO_UNACCOMPANIED,
    NO_UNCONDITIONAL,
    NONE,
    OVERLAP,
    SINGLE,
    ServiceFacts,
    gap_matrix,
)
from strom.directory.models import NeedTerm, Service
from strom.directory.taxonomy import sync_need_terms

NEEDS = ["accommodation", "interpretation", "legal_assistance", "child_protection", "counselling_information"]

# A hand-built municipality.
SERVICES = [
    ServiceFacts(
        "Shelter NGO",
        frozenset({"accommodation", "counselling_information"}),
        True,
        False,
        frozenset({"lv", "ru"}),
    ),
    ServiceFacts("Social service", frozenset({"accommodation"}), False, True, frozenset({"lv"})),
    ServiceFacts("Interpreters", frozenset({"interpretation"}), False, False, frozenset({"uk", "ru"})),
    ServiceFacts(
        "Child unit",
        frozenset({"child_protection", "counselling_information"}),
        True,
        True,
        frozenset({"lv"}),
    ),
    ServiceFacts("Helpline", frozenset({"counselling_information"}), True, False, frozenset({"en"})),
    ServiceFacts("Helpline", frozenset({"counselling_information"}), True, False, frozenset({"lv"})),
]


@pytest.mark.parametrize(
    ("need", "providers", "flags"),
    [
        ("accommodation", {"Shelter NGO": 1, "Social service": 1}, [NO_UNACCOMPANIED, NO_LANGUAGE]),
        ("interpretation", {"Interpreters": 1}, [SINGLE, NO_UNCONDITIONAL, NO_CHILDREN]),
        ("legal_assistance", {}, [NONE]),
        ("child_protection", {"Child unit": 1}, [SINGLE, NO_UNACCOMPANIED, NO_LANGUAGE]),
        (
            "counselling_information",
            {"Child unit": 1, "Helpline": 2, "Shelter NGO": 1},
            [NO_UNACCOMPANIED, NO_LANGUAGE, OVERLAP],
        ),
    ],
)
def test_it_finds_the_gaps_of_a_hand_built_municipality(need, providers, flags):
    matrix = gap_matrix(NEEDS, SERVICES, language="uk")
    row = next(row for row in matrix.rows if row.need == need)
    assert row.services_by_organisation == providers
    assert row.flags == flags


def _facts(name, **fields):
    facts = {"unconditional": True, "children": True, "languages": frozenset({"lv"}), **fields}
    return ServiceFacts(name, frozenset({"accommodation"}), **facts)


@pytest.mark.parametrize(
    ("services", "present", "absent"),
    [
        # Shelters for women and children only: no accommodation for men.
        ([_facts("A", men=False), _facts("B", men=False)], {NO_MEN}, {NO_FREE_PLACES}),
        ([_facts("A", men=False), _facts("B")], set(), {NO_MEN}),
        # Every shelter counts its places and all are taken: nowhere to go tonight.
        (
            [_facts("A", places_total=4, places_free=0), _facts("B", places_total=2, places_free=0)],
            {NO_FREE_PLACES},
            set(),
        ),
        (
            [_facts("A", places_total=4, places_free=0), _facts("B", places_total=2, places_free=1)],
            set(),
            {NO_FREE_PLACES},
        ),
        # A provider that does not count places may still take someone in: not a "full" gap.
        ([_facts("A", places_total=4, places_free=0), _facts("B")], set(), {NO_FREE_PLACES}),
        # Children are served, but nobody takes a child who came alone.
        ([_facts("A"), _facts("B")], {NO_UNACCOMPANIED}, {NO_CHILDREN}),
        ([_facts("A"), _facts("B", unaccompanied=True)], set(), {NO_UNACCOMPANIED}),
        # Nobody serves children at all: one flag says so, not two.
        ([_facts("A", children=False)], {NO_CHILDREN}, {NO_UNACCOMPANIED}),
    ],
)
def test_it_finds_the_gaps_for_men_unaccompanied_children_and_free_places(services, present, absent):
    (row,) = gap_matrix(["accommodation"], services).rows
    assert present <= set(row.flags)
    assert not absent & set(row.flags)


def test_it_lists_every_organisation_once_in_order():
    matrix = gap_matrix(NEEDS, SERVICES)
    assert matrix.organisations == ["Child unit", "Helpline", "Interpreters", "Shelter NGO", "Social service"]


def test_it_checks_the_language_only_when_one_is_chosen():
    assert NO_LANGUAGE not in {flag for row in gap_matrix(NEEDS, SERVICES).rows for flag in row.flags}


def test_it_flags_every_need_of_an_empty_municipality_as_missing():
    matrix = gap_matrix(NEEDS, [])
    assert matrix.flagged(NONE) == NEEDS and matrix.organisations == []
    assert all(row.severity == 3 for row in matrix.rows)


# --- The page and its downloads ------------------------------------------------------------------


@pytest.fixture
def municipal_services(world):
    sync_need_terms(NeedTerm)
    shelter = Service.objects.create(
        organisation=world.ngo,
        municipality=world.ngo.municipality,
        name="Shelter",
        independent_of_cooperation=False,
    )
    shelter.needs.set(NeedTerm.objects.filter(code="accommodation"))
    sneaky = Service.objects.create(
        organisation=world.social, municipality=world.ngo.municipality, name="Formula", serves_children=True
    )
    sneaky.needs.set(NeedTerm.objects.filter(code="accommodation"))
    from strom.accounts.models import Organisation

    Organisation.objects.filter(pk=world.social.pk).update(name='=HYPERLINK("x")')
    return world


def test_it_shows_the_gap_table_with_a_text_summary(municipal_services, signed_in):
    world = municipal_services
    response = signed_in(world[Role.COORDINATOR]).get(reverse("directory:gap_analysis"))
    body = response.content.decode()
    assert response.status_code == 200
    accommodation = next(
        row for row in response.context["rows"] if row["need"] == "Safe accommodation / shelter"
    )
    assert sorted(accommodation["cells"]) == [1, 1]
    assert "No provider:" in body and "Legal assistance" in body


def test_it_downloads_the_same_table_as_csv_and_xlsx_without_formulas(municipal_services, signed_in):
    client = signed_in(municipal_services[Role.COORDINATOR])
    rows = list(csv.reader(io.StringIO(client.get(reverse("directory:gap_analysis_csv")).content.decode())))
    assert rows[0][0] == "Need" and '\'=HYPERLINK("x")' in rows[0]
    assert len(rows) == 1 + NeedTerm.objects.count()
    sheet = load_workbook(io.BytesIO(client.get(reverse("directory:gap_analysis_xlsx")).content)).active
    assert [safe_cell(c.value) for c in sheet[1]] == rows[0]  # text cells, never formulas
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_it_answers_404_for_a_municipality_outside_the_persons_reach(municipal_services, signed_in):
    world = municipal_services
    url = reverse("directory:gap_analysis") + f"?municipality={world.other.municipality.pk}"
    assert signed_in(world[Role.COORDINATOR]).get(url).status_code == 404
    assert signed_in(world["outsider"]).get(url).status_code == 200
