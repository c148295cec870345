"""The case record's core (issue 11): who sees a case and its identifying data, one audit event per
read that fails the read when it cannot be written, identifying data encrypted and rotated with the
other encrypted fields, two independent dated tracks, and no lost updates."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from strom.accounts.access import forget_access, get_access
from strom.accounts.roles import Role
from strom.cases import actions
from strom.cases.models import CODE_ALPHABET, Case, CaseIdentity, CaseTransition, new_case_code
from strom.cases.queries import (
    CASE_READ,
    IDENTITY_READ,
    cases_visible_to,
    get_case_for,
    get_identity_for,
    transitions_of,
)
from strom.core.blind_index import blind_index
from strom.core.crypto import TamperedCiphertext
from strom.core.exploitation import ExploitationForm
from strom.core.models import AuditEvent
from tests.factories import MunicipalityFactory, OrganisationFactory, make_member
from tests.test_field_encryption import dump_database
from tests.test_rotate_field_keys import KEY_A, KEY_B, rotate

CANARY_NAME = "CANARY-Zelda-Kvist"
CANARY_BIRTH = date(1931, 2, 28)  # a date nothing else in the database holds
CANARY_CONTACT = "CANARY-zelda.kvist@example.invalid"
CANARY_DOCUMENT = "CANARY-DOC-4471"
CANARY_NARRATIVE = "CANARY-met-at-the-fictional-fishery"
CANARY_NOTE = "CANARY-transition-note"
CANARIES = (
    CANARY_NAME,
    CANARY_BIRTH.isoformat(),
    CANARY_CONTACT,
    CANARY_DOCUMENT,
    CANARY_NARRATIVE,
    CANARY_NOTE,
)


@pytest.fixture
def people(world):
    """The world's caseworker (social services, Testupe) leads the case. Around it: a colleague of the
    same organisation not assigned to it, a caseworker of another organisation in Testupe, and a
    coordinator of another municipality in the same country."""
    elsewhere = MunicipalityFactory(country=world.social.country, name="Citurpe")
    elsewhere_org = OrganisationFactory(name="Citurpe Social Service", municipality=elsewhere)
    return {
        **world.people,
        "colleague": make_member(world.social, Role.CASEWORKER, username="colleague"),
        "ngo_caseworker": make_member(world.ngo, Role.CASEWORKER, username="ngocaseworker"),
        "other_coordinator": make_member(elsewhere_org, Role.COORDINATOR, username="othercoordinator"),
    }


@pytest.fixture
def case(world, people):
    return actions.do_open_case(
        actor=people[Role.CASEWORKER],
        lead_organisation=world.social,
        age_band=Case.AgeBand.FROM_25,
        sex=Case.Sex.FEMALE,
        nationality="UA",
        exploitation_country="LV",
        exploitation_forms=[ExploitationForm.LABOUR],
        came_to_light=Case.CameToLight.LABOUR_INSPECTION,
    )


@pytest.fixture
def with_identity(case, people):
    actions.do_save_identity(
        actor=people[Role.CASEWORKER],
        case=case,
        version=case.version,
        name=CANARY_NAME,
        date_of_birth=CANARY_BIRTH,
        contact_details=CANARY_CONTACT,
        document_number=CANARY_DOCUMENT,
        narrative=CANARY_NARRATIVE,
    )
    return case


def access_of(user):
    return get_access(user)


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- Who sees what ---------------------------------------------------------------------------------

NOBODY = (Role.ANALYST, Role.PLATFORM_ADMIN, Role.NATIONAL_COORDINATOR, Role.SERVICE_PROVIDER, Role.TRAINER)
OUTSIDERS = ("outsider", "other_coordinator", "ngo_caseworker", *NOBODY)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_answers_404_to_everyone_outside_the_case(people, with_identity, who):
    access = access_of(people[who])
    assert not cases_visible_to(access).exists()
    with pytest.raises(Http404):
        get_case_for(access, with_identity.pk)
    with pytest.raises(Http404):
        get_case_for(access, with_identity.pk, for_write=True)
    with pytest.raises(Http404):
        get_identity_for(access, with_identity)
    assert events(CASE_READ) == events(IDENTITY_READ) == 0
    assert AuditEvent.objects.filter(action="access.refused", actor=people[who]).count() == 3


def test_it_answers_the_same_404_for_an_unknown_or_malformed_id(people, case):
    access = access_of(people[Role.CASEWORKER])
    for case_id in ("1d8f5c3e-0000-4000-8000-000000000000", "not-a-uuid", case.code):
        with pytest.raises(Http404):
            get_case_for(access, case_id)


def test_it_lets_the_coordinator_list_and_read_the_case_but_not_its_identifying_data(people, with_identity):
    access = access_of(people[Role.COORDINATOR])
    assert list(cases_visible_to(access)) == [with_identity]
    assert get_case_for(access, with_identity.pk).code == with_identity.code
    with pytest.raises(Http404):
        get_case_for(access, with_identity.pk, for_write=True)
    with pytest.raises(Http404):
        get_identity_for(access, with_identity)
    assert events(IDENTITY_READ) == 0


def test_it_keeps_identifying_data_from_a_colleague_not_on_the_case(people, with_identity):
    access = access_of(people["colleague"])
    assert list(cases_visible_to(access)) == [with_identity]
    assert get_case_for(access, with_identity.pk, for_write=True) == with_identity
    with pytest.raises(Http404):
        get_identity_for(access, with_identity)


def test_it_gives_the_case_caseworker_the_identifying_data(people, with_identity):
    identity = get_identity_for(access_of(people[Role.CASEWORKER]), with_identity)
    assert (identity.name, identity.date_of_birth, identity.document_number) == (
        CANARY_NAME,
        CANARY_BIRTH,
        CANARY_DOCUMENT,
    )


def test_it_stops_showing_identifying_data_once_the_caseworker_leaves_the_organisation(people, with_identity):
    caseworker = people[Role.CASEWORKER]
    caseworker.memberships.update(ended_at=timezone.now())
    forget_access(caseworker)  # a new request takes a new snapshot
    with pytest.raises(Http404):
        get_identity_for(access_of(caseworker), with_identity)


# --- Exactly one audit event per read, and no read without it -----------------------------------------


def test_it_writes_exactly_one_audit_event_per_read(people, with_identity):
    access = access_of(people[Role.CASEWORKER])
    before = AuditEvent.objects.count()
    get_case_for(access, with_identity.pk)
    assert AuditEvent.objects.count() == before + 1
    get_identity_for(access, with_identity)
    assert AuditEvent.objects.count() == before + 2
    read = AuditEvent.objects.get(action=IDENTITY_READ)
    assert (read.actor, read.organisation, read.object_id) == (
        people[Role.CASEWORKER],
        with_identity.lead_organisation,
        str(with_identity.pk),
    )


def _refuse_in_the_database(action: str) -> None:
    """A real failure of the audit write: the database itself refuses this kind of event."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION strom_test_refuse_case_read() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.action = '{action}' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; "
                "END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER strom_test_refuse_case_read BEFORE INSERT ON core_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION strom_test_refuse_case_read()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER strom_test_refuse_case_read BEFORE INSERT ON core_auditevent "
                f"WHEN NEW.action = '{action}' BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
            )


def test_it_fails_the_case_read_when_its_audit_event_cannot_be_written(people, case):
    _refuse_in_the_database(CASE_READ)
    with pytest.raises(DatabaseError):
        get_case_for(access_of(people[Role.CASEWORKER]), case.pk)
    assert events(CASE_READ) == 0


def test_it_fails_the_identity_read_when_its_audit_event_cannot_be_written(people, with_identity):
    _refuse_in_the_database(IDENTITY_READ)
    with pytest.raises(DatabaseError):
        get_identity_for(access_of(people[Role.CASEWORKER]), with_identity)
    assert events(IDENTITY_READ) == 0


@override_settings(
    STROM_UNUSUAL_READING={"window_minutes": 10, "thresholds": {"default": 3}},
)
def test_it_alerts_when_one_account_reads_many_cases(people, world):
    caseworker = people[Role.CASEWORKER]
    opened = [actions.do_open_case(actor=caseworker, lead_organisation=world.social) for _ in range(3)]
    for case in opened:
        get_case_for(access_of(caseworker), case.pk)
    alert = AuditEvent.objects.get(action="security.unusual_reading.detected")
    assert alert.details["kind"] == "case_record" and alert.details["count"] == 3


# --- Encryption ------------------------------------------------------------------------------------


def test_it_keeps_every_identifying_value_out_of_a_database_dump(people, with_identity):
    actions.do_change_phase(
        actor=people[Role.CASEWORKER],
        case=with_identity,
        version=with_identity.version,
        to=Case.Phase.FIRST_ASSISTANCE,
        occurred_on=timezone.localdate(),
        note=CANARY_NOTE,
    )
    get_identity_for(access_of(people[Role.CASEWORKER]), with_identity)
    dump = dump_database()
    assert [canary for canary in CANARIES if canary in dump] == []
    assert CaseTransition.objects.get(to_value=Case.Phase.FIRST_ASSISTANCE).note == CANARY_NOTE


def _raw_identity(case, column):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM cases_caseidentity WHERE case_id = %s",
            [Case._meta.pk.get_db_prep_value(case.pk, connection)],
        )
        return cursor.fetchone()[0]


def _set_raw_identity(case, column, value):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE cases_caseidentity SET {column} = %s WHERE case_id = %s",
            [value, Case._meta.pk.get_db_prep_value(case.pk, connection)],
        )


def test_it_raises_on_tampered_ciphertext_instead_of_returning_garbage(people, with_identity):
    sealed = _raw_identity(with_identity, "name")
    middle = len(sealed) // 2  # inside the ciphertext, away from the key id and base64 padding
    flipped = sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1 :]
    _set_raw_identity(with_identity, "name", flipped)
    with pytest.raises(TamperedCiphertext):
        CaseIdentity.objects.get(case=with_identity)


def test_it_refuses_a_sealed_value_moved_into_another_column(people, with_identity):
    _set_raw_identity(with_identity, "document_number", _raw_identity(with_identity, "name"))
    with pytest.raises(TamperedCiphertext):
        CaseIdentity.objects.get(case=with_identity)


def test_it_rotates_the_keys_of_a_case_identity_and_its_notes(people, world):
    caseworker = people[Role.CASEWORKER]
    with override_settings(STROM_FIELD_KEYS=KEY_A):
        case = actions.do_open_case(actor=caseworker, lead_organisation=world.social)
        actions.do_save_identity(
            actor=caseworker, case=case, version=case.version, name=CANARY_NAME, date_of_birth=CANARY_BIRTH
        )
        actions.do_change_identification_status(
            actor=caseworker,
            case=case,
            version=case.version,
            to=Case.Identification.PRESUMED,
            occurred_on=timezone.localdate(),
            note=CANARY_NOTE,
        )
    assert _raw_identity(case, "name").startswith("A$") and _raw_identity(case, "date_of_birth").startswith(
        "A$"
    )

    with override_settings(STROM_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        output = rotate()
        rotate("--check")
    assert "cases.caseidentity: 1 rows re-encrypted" in output
    assert "cases.casetransition: 1 rows re-encrypted" in output
    assert CANARY_NAME not in output

    with override_settings(STROM_FIELD_KEYS=KEY_B):
        identity = CaseIdentity.objects.get(case=case)
        assert (identity.name, identity.date_of_birth) == (CANARY_NAME, CANARY_BIRTH)
        assert CaseTransition.objects.get(track="identification").note == CANARY_NOTE
    assert _raw_identity(case, "name").startswith("B$")


def test_it_indexes_name_with_birth_date_and_document_number_blindly(people, with_identity):
    identity = CaseIdentity.objects.get(case=with_identity)
    same_person = blind_index(
        f"  {CANARY_NAME.upper()}|{CANARY_BIRTH.isoformat()}", purpose=identity.NAME_AND_BIRTH_PURPOSE
    )
    assert identity.name_and_birth_index == same_person
    assert identity.document_index == blind_index(CANARY_DOCUMENT.lower(), purpose=identity.DOCUMENT_PURPOSE)
    assert CANARY_NAME not in identity.name_and_birth_index


# --- The case code ---------------------------------------------------------------------------------


def test_it_gives_a_case_a_random_code_that_says_nothing_about_the_person(people, with_identity, world):
    code = with_identity.code
    year = timezone.localdate().year
    assert re.fullmatch(rf"LV-TES-{year}-[{CODE_ALPHABET}]{{4}}", code)
    for part in ("ZELDA", "KVIST", "1931", "4471"):
        assert part not in code
    codes = {new_case_code(world.social.municipality, year) for _ in range(300)}
    assert len(codes) > 290  # random, not derived from anything that repeats


def test_it_refuses_two_cases_with_one_code(people, case, world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(code=case.code, municipality=case.municipality, lead_organisation=world.social)


# --- Opening a case ---------------------------------------------------------------------------------


def test_it_opens_a_case_with_one_audit_event_and_a_dated_first_step(people, case):
    opened = AuditEvent.objects.get(action="cases.case.opened")
    assert opened.details == {"caseworkers": 1, "phase": "signal"}
    assert list(case.caseworkers.all()) == [people[Role.CASEWORKER]]
    assert case.exploitation_forms == ["labour"] and case.nationality == "UA"
    (first,) = transitions_of(case)
    assert (first.track, first.from_value, first.to_value) == ("assistance", "", "signal")
    assert first.occurred_on == timezone.localdate()


def test_it_refuses_a_caseworker_from_outside_the_lead_organisation(people, world):
    with pytest.raises(ValidationError) as refused:
        actions.do_open_case(
            actor=people[Role.CASEWORKER],
            lead_organisation=world.social,
            caseworkers=[people[Role.CASEWORKER], people["ngo_caseworker"]],
        )
    assert "caseworkers" in refused.value.message_dict
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "ngo_caseworker", Role.ANALYST, Role.PLATFORM_ADMIN])
def test_it_lets_only_the_organisation_s_case_workers_open_its_cases(people, world, who):
    with pytest.raises(PermissionDenied):
        actions.do_open_case(actor=people[who], lead_organisation=world.social)
    assert not Case.objects.exists() and not AuditEvent.objects.filter(action="cases.case.opened").exists()


def test_it_refuses_an_unknown_fact_value_and_saves_nothing(people, world):
    with pytest.raises(ValidationError):
        actions.do_open_case(
            actor=people[Role.CASEWORKER], lead_organisation=world.social, exploitation_forms=["juggling"]
        )
    with pytest.raises(ValidationError):
        actions.do_open_case(
            actor=people[Role.CASEWORKER], lead_organisation=world.social, nationality="Latvia"
        )
    assert not Case.objects.exists()


# --- Two tracks ------------------------------------------------------------------------------------


def test_it_moves_the_two_tracks_independently_with_dated_steps(people, world):
    caseworker = people[Role.CASEWORKER]
    today = timezone.localdate()
    case = actions.do_open_case(
        actor=caseworker, lead_organisation=world.social, opened_on=today - timedelta(days=30)
    )
    steps = [
        (actions.do_change_phase, Case.Phase.FIRST_ASSISTANCE, today - timedelta(days=20)),
        (actions.do_change_identification_status, Case.Identification.PRESUMED, today - timedelta(days=15)),
        (actions.do_change_phase, Case.Phase.LONG_TERM, today - timedelta(days=10)),
        (actions.do_change_phase, Case.Phase.CLOSED, today - timedelta(days=5)),
        # A decision that comes after the assistance ended is still recorded.
        (actions.do_change_identification_status, Case.Identification.IDENTIFIED, today),
    ]
    for action, to, on in steps:
        action(actor=caseworker, case=case, version=case.version, to=to, occurred_on=on)

    stored = Case.objects.get(pk=case.pk)
    assert (stored.assistance_phase, stored.identification_status, stored.version) == (
        "closed",
        "identified",
        6,
    )
    assert [(t.track, t.from_value, t.to_value, t.occurred_on) for t in transitions_of(case)] == [
        ("identification", "presumed", "identified", today),
        ("assistance", "long_term", "closed", today - timedelta(days=5)),
        ("assistance", "first_assistance", "long_term", today - timedelta(days=10)),
        ("identification", "not_assessed", "presumed", today - timedelta(days=15)),
        ("assistance", "signal", "first_assistance", today - timedelta(days=20)),
        ("assistance", "", "signal", today - timedelta(days=30)),
    ]
    assert AuditEvent.objects.filter(action="cases.phase.changed").count() == 3
    assert AuditEvent.objects.filter(action="cases.identification.changed").count() == 2
    assert AuditEvent.objects.filter(action="cases.phase.changed").order_by("seq").last().details == {
        "from": "long_term",
        "to": "closed",
        "on": (today - timedelta(days=5)).isoformat(),
    }


def test_it_keeps_a_closed_case_closed(people, case):
    caseworker = people[Role.CASEWORKER]
    today = timezone.localdate()
    actions.do_change_phase(actor=caseworker, case=case, version=case.version, to="closed", occurred_on=today)
    with pytest.raises(ValidationError):
        actions.do_change_phase(
            actor=caseworker, case=case, version=case.version, to="long_term", occurred_on=today
        )
    assert Case.objects.get(pk=case.pk).assistance_phase == "closed"


def test_it_refuses_a_future_date_an_unknown_phase_and_the_coordinator_s_change(people, case):
    today = timezone.localdate()
    for to, on in (("first_assistance", today + timedelta(days=1)), ("holiday", today)):
        with pytest.raises(ValidationError):
            actions.do_change_phase(
                actor=people[Role.CASEWORKER], case=case, version=case.version, to=to, occurred_on=on
            )
    with pytest.raises(PermissionDenied):
        actions.do_change_phase(
            actor=people[Role.COORDINATOR],
            case=case,
            version=case.version,
            to="first_assistance",
            occurred_on=today,
        )
    assert CaseTransition.objects.count() == 1 and Case.objects.get(pk=case.pk).version == 1


# --- Facts, identity and stale edits ---------------------------------------------------------------


def test_it_saves_facts_with_one_audit_event_and_no_personal_data(people, case):
    actions.do_save_facts(
        actor=people[Role.CASEWORKER],
        case=case,
        version=1,
        age_group=Case.AgeGroup.UNCERTAIN,
        exploitation_forms=[ExploitationForm.FORCED_MARRIAGE, ExploitationForm.SEXUAL],
    )
    stored = Case.objects.get(pk=case.pk)
    assert (stored.age_group, stored.exploitation_forms, stored.version) == (
        "uncertain",
        ["forced_marriage", "sexual"],
        2,
    )
    assert stored.nationality == "UA"  # facts not named stay as they were
    event = AuditEvent.objects.get(action="cases.facts.saved")
    assert event.details == {"fields": ["age_group", "exploitation_forms"]}


def test_it_refuses_a_stale_edit_with_a_clear_conflict_and_changes_nothing(people, case):
    caseworker, colleague = people[Role.CASEWORKER], people["colleague"]
    seen_by_both = case.version
    actions.do_save_facts(actor=colleague, case=case, version=seen_by_both, sex=Case.Sex.MALE)
    events_before = AuditEvent.objects.count()

    for attempt in (
        lambda: actions.do_save_facts(actor=caseworker, case=case, version=seen_by_both, sex=Case.Sex.OTHER),
        lambda: actions.do_save_identity(actor=caseworker, case=case, version=seen_by_both, name=CANARY_NAME),
        lambda: actions.do_change_phase(
            actor=caseworker,
            case=case,
            version=seen_by_both,
            to="first_assistance",
            occurred_on=timezone.localdate(),
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == "conflict"
        assert refused.value.messages[0].startswith("Someone else changed this case")

    stored = Case.objects.get(pk=case.pk)
    assert (stored.sex, stored.version, stored.assistance_phase) == ("male", seen_by_both + 1, "signal")
    assert not CaseIdentity.objects.exists() and CaseTransition.objects.count() == 1
    assert AuditEvent.objects.count() == events_before


def test_it_lets_only_the_case_caseworkers_save_identifying_data(people, case):
    for who in ("colleague", Role.COORDINATOR, "outsider"):
        with pytest.raises(PermissionDenied):
            actions.do_save_identity(actor=people[who], case=case, version=case.version, name=CANARY_NAME)
    assert not CaseIdentity.objects.exists()


def test_it_writes_no_identifying_value_into_the_audit_trail(people, with_identity):
    saved = AuditEvent.objects.get(action="cases.identity.saved")
    assert saved.details == {
        "created": True,
        "fields": ["contact_details", "date_of_birth", "document_number", "name", "narrative"],
    }
    trail = " ".join(str(e.details) for e in AuditEvent.objects.all())
    assert [canary for canary in CANARIES if canary in trail] == []


def test_it_names_caseworkers_from_the_lead_organisation_only_and_gives_them_the_identity(
    people, with_identity
):
    caseworker, colleague = people[Role.CASEWORKER], people["colleague"]
    with pytest.raises(ValidationError):
        actions.do_set_caseworkers(
            actor=caseworker,
            case=with_identity,
            version=with_identity.version,
            caseworkers=[people["outsider"]],
        )
    with pytest.raises(ValidationError):
        actions.do_set_caseworkers(
            actor=caseworker, case=with_identity, version=with_identity.version, caseworkers=[]
        )
    actions.do_set_caseworkers(
        actor=caseworker, case=with_identity, version=with_identity.version, caseworkers=[colleague]
    )

    assert get_identity_for(access_of(colleague), with_identity).name == CANARY_NAME
    with pytest.raises(Http404):
        get_identity_for(access_of(caseworker), with_identity)
    assert AuditEvent.objects.get(action="cases.caseworkers.set").details == {"caseworkers": 1}


def test_it_gives_a_coordinator_who_is_a_caseworker_on_the_case_its_identity(people, world):
    coordinator = people[Role.COORDINATOR]
    case = actions.do_open_case(actor=coordinator, lead_organisation=world.municipal)
    actions.do_save_identity(actor=coordinator, case=case, version=case.version, name=CANARY_NAME)
    assert get_identity_for(access_of(coordinator), case).name == CANARY_NAME
    with pytest.raises(Http404):
        get_identity_for(access_of(people[Role.CASEWORKER]), case)


@pytest.mark.parametrize(
    "who", [Role.CASEWORKER, Role.COORDINATOR, "colleague", "other_coordinator", *OUTSIDERS]
)
def test_it_lists_exactly_the_cases_that_the_person_may_open(people, world, who):
    """One case led by each organisation that works on cases, in Testupe, in another Latvian
    municipality and abroad: the list and the single reads agree, case by case."""
    leads = {
        world.social: people[Role.CASEWORKER],
        world.municipal: people[Role.COORDINATOR],
        world.other: people["outsider"],
        people["other_coordinator"].memberships.get().organisation: people["other_coordinator"],
    }
    opened = [actions.do_open_case(actor=actor, lead_organisation=org) for org, actor in leads.items()]
    access = access_of(people[who])

    listed = set(cases_visible_to(access))
    for case in opened:
        try:
            get_case_for(access, case.pk)
            readable = True
        except Http404:
            readable = False
        assert (case in listed) == readable, (who, case.lead_organisation.name)
    assert listed <= set(opened)
    # Their own organisation's case; the coordinator also the social service's, in the same municipality.
    expected = {
        Role.CASEWORKER: 1,
        "colleague": 1,
        Role.COORDINATOR: 2,
        "other_coordinator": 1,
        "outsider": 1,
    }
    assert len(listed) == expected.get(who, 0)


def test_it_refuses_a_case_in_a_municipality_where_the_lead_organisation_does_not_work(people, world):
    elsewhere = people["other_coordinator"].memberships.get().organisation.municipality
    with pytest.raises(ValidationError) as refused:
        actions.do_open_case(
            actor=people[Role.CASEWORKER], lead_organisation=world.social, municipality=elsewhere
        )
    assert "municipality" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        actions.do_open_case(actor=people[Role.CASEWORKER], lead_organisation=world.social, caseworkers=[])
    assert "caseworkers" in refused.value.message_dict
    assert not Case.objects.exists()
