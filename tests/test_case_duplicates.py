"""Possible duplicates (issue 11): entered identifying data finds the cases that may be the same
person through the keyed blind indexes only, among the cases the person may list, and nobody learns
of a case outside their reach."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strom.accounts.access import get_access
from strom.accounts.roles import Role
from strom.cases import actions
from strom.cases.models import CaseIdentity
from strom.cases.queries import DUPLICATES_CHECKED, possible_duplicates
from strom.core.models import AuditEvent
from tests.factories import make_member

CANARY_NAME = "CANARY-Ilze Vejmala"
CANARY_BIRTH = date(1929, 11, 17)
CANARY_DOCUMENT = "CANARY-PASS-9031"


def open_with_identity(actor, organisation, **identity):
    case = actions.do_open_case(actor=actor, lead_organisation=organisation)
    if identity:
        actions.do_save_identity(actor=actor, case=case, version=case.version, **identity)
    return case


@pytest.fixture
def first(world):
    return open_with_identity(
        world[Role.CASEWORKER],
        world.social,
        name=CANARY_NAME,
        date_of_birth=CANARY_BIRTH,
        document_number=CANARY_DOCUMENT,
    )


def check(user, **values):
    return possible_duplicates(get_access(user), **values)


def test_it_finds_the_other_case_by_name_and_date_of_birth_whatever_the_case_and_spacing(world, first):
    codes = check(world[Role.CASEWORKER], name="  canary-ILZE   vejmala", date_of_birth=CANARY_BIRTH)
    assert codes == [first.code]
    # A space at the end of the name (typed through the API, which does not strip) is the same name.
    assert check(world[Role.CASEWORKER], name=CANARY_NAME + "  ", date_of_birth=CANARY_BIRTH) == [first.code]


def test_it_finds_the_other_case_by_document_number_alone(world, first):
    assert check(world[Role.CASEWORKER], document_number=CANARY_DOCUMENT.lower()) == [first.code]


def test_it_does_not_match_a_different_date_of_birth_or_a_name_without_one(world, first):
    caseworker = world[Role.CASEWORKER]
    assert check(caseworker, name=CANARY_NAME, date_of_birth=date(1929, 11, 18)) == []
    assert check(caseworker, name=CANARY_NAME) == []
    assert check(caseworker, date_of_birth=CANARY_BIRTH) == []
    assert check(caseworker, document_number="CANARY-PASS-9032") == []


def test_it_leaves_out_the_case_being_edited_and_never_blocks_saving_a_duplicate(world, first):
    caseworker = world[Role.CASEWORKER]
    second = open_with_identity(caseworker, world.social, name=CANARY_NAME, date_of_birth=CANARY_BIRTH)
    assert CaseIdentity.objects.filter(name_and_birth_index=second.identity.name_and_birth_index).count() == 2
    same = {"name": CANARY_NAME, "date_of_birth": CANARY_BIRTH, "document_number": CANARY_DOCUMENT}
    assert check(caseworker, **same) == sorted([first.code, second.code])
    assert check(caseworker, **same, exclude_case=second) == [first.code]
    assert check(caseworker, **same, exclude_case=first.pk) == [second.code]


def test_it_never_reveals_a_case_outside_the_person_s_reach(world, first):
    """The outsider (another organisation in another country) and a caseworker of another
    organisation in the same municipality get exactly what a name nobody has gives: nothing."""
    same = {"name": CANARY_NAME, "date_of_birth": CANARY_BIRTH, "document_number": CANARY_DOCUMENT}
    nobody = {"name": "Nobody Atall", "date_of_birth": CANARY_BIRTH, "document_number": "NONE-1"}
    ngo_caseworker = make_member(world.ngo, Role.CASEWORKER, username="ngocaseworker")
    for user in (world["outsider"], ngo_caseworker):
        assert check(user, **same) == check(user, **nobody) == []
    # The outsider's own case of the same person is found by the outsider, and only by the outsider.
    theirs = open_with_identity(world["outsider"], world.other, **same)
    assert check(world["outsider"], **same) == [theirs.code]
    assert check(world[Role.CASEWORKER], **same) == [first.code]
    trail = AuditEvent.objects.filter(action=DUPLICATES_CHECKED, actor=ngo_caseworker)
    assert [event.details["matches"] for event in trail] == [0, 0]


@pytest.mark.parametrize("who", [Role.ANALYST, Role.PLATFORM_ADMIN, Role.NATIONAL_COORDINATOR])
def test_it_finds_nothing_for_those_who_see_no_cases(world, first, who):
    assert (
        check(world[who], name=CANARY_NAME, date_of_birth=CANARY_BIRTH, document_number=CANARY_DOCUMENT) == []
    )


def test_it_gives_the_coordinator_the_codes_of_matching_cases_on_the_municipal_list(world, first):
    """Decision: the coordinator sees the municipality's case list, so a match among those cases is
    answered with its code (never with identifying data), so that a second case for one person is not
    opened by another organisation of the municipality. The check is audited like a read."""
    coordinator = world[Role.COORDINATOR]
    assert check(coordinator, document_number=CANARY_DOCUMENT) == [first.code]
    event = AuditEvent.objects.get(action=DUPLICATES_CHECKED, actor=coordinator)
    assert event.details == {"name_and_birth": False, "document": True, "matches": 1}


def test_it_writes_one_audit_event_per_check_holding_no_entered_value(world, first):
    check(
        world[Role.CASEWORKER], name=CANARY_NAME, date_of_birth=CANARY_BIRTH, document_number=CANARY_DOCUMENT
    )
    event = AuditEvent.objects.get(action=DUPLICATES_CHECKED)
    assert event.details == {"name_and_birth": True, "document": True, "matches": 1}
    assert check(world[Role.CASEWORKER]) == []  # nothing entered, nothing looked up or recorded
    assert AuditEvent.objects.filter(action=DUPLICATES_CHECKED).count() == 1


def test_it_keeps_the_plain_values_out_of_every_query_and_their_number_constant(world, first):
    caseworker = world[Role.CASEWORKER]
    access = get_access(caseworker)
    same = {"name": CANARY_NAME, "date_of_birth": CANARY_BIRTH, "document_number": CANARY_DOCUMENT}

    def run():
        with CaptureQueriesContext(connection) as captured:
            codes = possible_duplicates(access, **same)
        return codes, captured.captured_queries

    one, queries_for_one = run()
    for _ in range(3):
        open_with_identity(caseworker, world.social, **same)
    four, queries_for_four = run()
    assert (len(one), len(four)) == (1, 4)
    assert len(queries_for_one) == len(queries_for_four)
    for query in queries_for_one + queries_for_four:
        sql = query["sql"].lower()
        for plain in (CANARY_NAME, "vejmala", CANARY_BIRTH.isoformat(), CANARY_DOCUMENT):
            assert plain.lower() not in sql
    # The parameters are in the captured SQL: what is looked up is the index, not the value.
    assert any(first.identity.document_index in query["sql"] for query in queries_for_one)
