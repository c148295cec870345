"""The audit trail: hash-chained, append-only events, the verify_audit command, and the audit page."""

import copy
import itertools
from datetime import UTC, datetime, timedelta
from importlib import import_module
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from strom.accounts.models import Membership
from strom.accounts.roles import Role
from strom.core.audit import GENESIS_HASH, ChainProblem, compute_hash, log_event, verify_chain
from strom.core.models import AppendOnlyError, AuditEvent
from strom.core.request_context import current_request_id

TRIGGER = "core_auditevent_append_only"
SQLITE_TRIGGER = "core_auditevent_no_update"
SQLITE_TRIGGER_SQL = import_module("strom.core.migrations.0004_audit_append_only_triggers").SQLITE_CREATE[0]


def log_events(count: int, **fields) -> list[AuditEvent]:
    return [log_event(actor=None, action=f"test.step.{n}", **fields) for n in range(1, count + 1)]


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def tamper(*statements: tuple[str, list]) -> None:
    """Change stored events behind the application's back, as someone with the database owner's rights.

    Such a person can switch the append-only trigger off (on SQLite: drop it and create it again);
    the hash chain is what still gives them away.
    """
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            # The test's own inserts leave deferred foreign-key checks pending, and PostgreSQL will
            # not alter a table with pending trigger events: run those checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
        else:
            cursor.execute(f"DROP TRIGGER {SQLITE_TRIGGER}")
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        finally:
            if postgresql:
                cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {TRIGGER}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                cursor.execute(SQLITE_TRIGGER_SQL)


# --- log_event --------------------------------------------------------------------------------


def test_it_numbers_events_and_links_each_to_the_one_before(db):
    log_events(4)
    stored = list(AuditEvent.objects.order_by("seq"))
    assert [event.seq for event in stored] == [1, 2, 3, 4]
    assert stored[0].prev_hash == GENESIS_HASH
    for previous, event in itertools.pairwise(stored):
        assert event.prev_hash == previous.hash
    assert all(compute_hash(event) == event.hash for event in stored)
    assert len({event.hash for event in stored}) == 4


def test_it_stores_the_current_request_id(db):
    token = current_request_id.set("test-request-0001")
    try:
        event = log_event(actor=None, action="test.with_request")
    finally:
        current_request_id.reset(token)
    outside = log_event(actor=None, action="test.outside_request")
    assert AuditEvent.objects.get(pk=event.pk).request_id == "test-request-0001"
    assert AuditEvent.objects.get(pk=outside.pk).request_id == ""


def test_it_ties_a_refused_request_to_its_audit_event(world, signed_in):
    response = signed_in(world[Role.COORDINATOR]).get(
        reverse("site:audit"), {"organisation": world.other.pk}, HTTP_X_REQUEST_ID="test-request-0002"
    )
    assert response.status_code == 404
    refused = AuditEvent.objects.get(action="access.refused")
    assert refused.request_id == response["X-Request-ID"] == "test-request-0002"
    assert refused.actor == world[Role.COORDINATOR]


def test_it_takes_the_organisation_from_an_organisation_object(world):
    event = log_event(actor=world[Role.COORDINATOR], action="test.organisation_touched", obj=world.social)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.organisation == world.social
    assert (stored.object_type, stored.object_id) == ("accounts.organisation", str(world.social.pk))
    assert stored.actor == world[Role.COORDINATOR]


def test_it_takes_the_organisation_from_an_object_that_belongs_to_one(world):
    membership = Membership.objects.get(user=world[Role.CASEWORKER])
    event = log_event(actor=None, action="test.membership_touched", obj=membership)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.organisation == world.social
    assert (stored.object_type, stored.object_id) == ("accounts.membership", str(membership.pk))


def test_it_prefers_an_organisation_given_explicitly_and_leaves_others_without_one(world):
    named = log_event(
        actor=None, action="test.user_touched", obj=world[Role.CASEWORKER], organisation=world.ngo
    )
    unnamed = log_event(actor=None, action="test.user_touched", obj=world[Role.CASEWORKER])
    assert AuditEvent.objects.get(pk=named.pk).organisation == world.ngo
    assert AuditEvent.objects.get(pk=unnamed.pk).organisation is None


def test_it_records_an_anonymous_actor_as_nobody(db):
    event = log_event(actor=AnonymousUser(), action="auth.sign_in.failed")
    assert AuditEvent.objects.get(pk=event.pk).actor_id is None


def test_it_leaves_no_event_and_an_intact_chain_when_the_callers_transaction_rolls_back(db):
    log_event(actor=None, action="test.before")
    with pytest.raises(RuntimeError), transaction.atomic():
        log_event(actor=None, action="test.rolled_back")
        raise RuntimeError("the caller's work failed")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    after = log_event(actor=None, action="test.after")
    assert after.seq == 2
    assert after.prev_hash == AuditEvent.objects.get(seq=1).hash
    assert "intact: 2 events" in verify_audit()


# --- verify_audit -----------------------------------------------------------------------------


def test_it_reports_an_untouched_chain_as_intact_with_its_length(db):
    log_events(3)
    output = verify_audit()
    assert "intact" in output
    assert "3 events checked" in output


def test_it_reports_an_empty_trail_as_intact(db):
    assert "intact: 0 events" in verify_audit()


def test_it_catches_an_edited_event(db):
    log_events(4)
    tamper(("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["test.innocent_looking", 2]))
    with pytest.raises(CommandError, match=r"event 2: .*edited"):
        verify_audit()


def test_it_catches_an_edited_event_whose_hash_was_recomputed(db):
    events = log_events(4)
    forged = copy.copy(events[1])
    forged.action = "test.innocent_looking"
    tamper(
        (
            "UPDATE core_auditevent SET action = %s, hash = %s WHERE seq = %s",
            [forged.action, compute_hash(forged), 2],
        )
    )
    with pytest.raises(CommandError, match=r"event 3: .*broken"):
        verify_audit()


def test_it_catches_a_deleted_event(db):
    log_events(4)
    tamper(("DELETE FROM core_auditevent WHERE seq = %s", [2]))
    with pytest.raises(CommandError, match=r"event 2: .*missing"):
        verify_audit()


def test_it_catches_a_swapped_pair_of_events(db):
    log_events(4)
    tamper(
        ("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [1_000_000, 2]),
        ("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [2, 3]),
        ("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [3, 1_000_000]),
    )
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "test.step.1",
        "test.step.3",
        "test.step.2",
        "test.step.4",
    ]
    with pytest.raises(CommandError, match=r"event 2: .*broken"):
        verify_audit()


# --- append-only ------------------------------------------------------------------------------


def test_it_refuses_to_change_or_remove_events_through_the_orm(db):
    event = log_event(actor=None, action="test.kept")
    stored = AuditEvent.objects.get(pk=event.pk)

    stored.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        stored.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["action"])
    with pytest.raises(AppendOnlyError):
        stored.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="test.changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="test.changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([stored], ["action"])

    assert list(AuditEvent.objects.values_list("seq", "action", "hash")) == [(1, "test.kept", event.hash)]
    assert "intact: 1 events" in verify_audit()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists only on PostgreSQL (migration core 0002); CI runs both databases",
)
@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"]
)
def test_it_has_postgresql_refuse_raw_updates_and_deletes(db, statement):
    event = log_event(actor=None, action="test.kept")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert list(AuditEvent.objects.values_list("seq", "action", "hash")) == [(1, "test.kept", event.hash)]
    assert "intact: 1 events" in verify_audit()


# --- verify_chain, table-driven ---------------------------------------------------------------

BASE_TIME = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def make_chain(length: int) -> list[AuditEvent]:
    """Unsaved events, chained the way log_event chains them."""
    events = []
    previous = GENESIS_HASH
    for seq in range(1, length + 1):
        event = AuditEvent(
            seq=seq,
            created_at=BASE_TIME + timedelta(minutes=seq),
            action=f"test.step.{seq}",
            object_type="test.thing",
            object_id=str(seq),
            request_id=f"test-request-{seq:04d}",
            details={"count": seq},
            prev_hash=previous,
        )
        event.hash = compute_hash(event)
        previous = event.hash
        events.append(event)
    return events


def edit(seq: int, **fields):
    def apply(events):
        for name, value in fields.items():
            setattr(events[seq - 1], name, value)
        return events

    return apply


def edit_and_rehash(seq: int, **fields):
    def apply(events):
        edit(seq, **fields)(events)
        events[seq - 1].hash = compute_hash(events[seq - 1])
        return events

    return apply


def drop(seq: int):
    return lambda events: [event for event in events if event.seq != seq]


def swap_positions(seq_a: int, seq_b: int):
    def apply(events):
        a, b = seq_a - 1, seq_b - 1
        events[a], events[b] = events[b], events[a]
        return events

    return apply


def swap_seq_values(seq_a: int, seq_b: int):
    """What an UPDATE of the seq column does: the two events trade places in the stored order."""

    def apply(events):
        a, b = seq_a - 1, seq_b - 1
        events[a].seq, events[b].seq = events[b].seq, events[a].seq
        events[a], events[b] = events[b], events[a]
        return events

    return apply


def insert_forged_after(seq: int):
    """A well-formed event slipped in after ``seq``, the later events renumbered to make room."""

    def apply(events):
        previous = events[seq - 1]
        forged = AuditEvent(
            seq=seq + 1, created_at=previous.created_at, action="test.forged", prev_hash=previous.hash
        )
        forged.hash = compute_hash(forged)
        for later in events[seq:]:
            later.seq += 1
        return [*events[:seq], forged, *events[seq:]]

    return apply


def untouched(events):
    return events


@pytest.mark.parametrize(
    ("tampering", "first_bad", "reason"),
    [
        pytest.param(untouched, None, None, id="untouched"),
        pytest.param(edit(3, action="test.innocent_looking"), 3, "edited", id="edited action"),
        pytest.param(edit(1, details={"count": 99}), 1, "edited", id="edited details of the first"),
        pytest.param(edit(5, created_at=BASE_TIME), 5, "edited", id="edited time of the last"),
        pytest.param(edit(2, actor_id=12345), 2, "edited", id="edited actor"),
        pytest.param(edit(4, severity="high"), 4, "edited", id="edited severity"),
        pytest.param(edit(2, hash="f" * 64), 2, "edited", id="replaced hash"),
        pytest.param(
            edit_and_rehash(2, action="test.innocent_looking"), 3, "broken", id="edited and rehashed"
        ),
        pytest.param(edit(1, prev_hash="1" * 64), 1, "broken", id="first not linked to genesis"),
        pytest.param(drop(1), 1, "missing", id="deleted first"),
        pytest.param(drop(3), 3, "missing", id="deleted middle"),
        pytest.param(swap_positions(2, 3), 2, "missing", id="reordered"),
        pytest.param(swap_seq_values(2, 3), 2, "broken", id="swapped seq values"),
        pytest.param(swap_seq_values(4, 5), 4, "broken", id="swapped last two"),
        pytest.param(insert_forged_after(2), 4, "broken", id="inserted and renumbered"),
    ],
)
def test_it_names_the_first_event_that_breaks_the_chain(tampering, first_bad, reason):
    problem = verify_chain(tampering(make_chain(5)))
    if first_bad is None:
        assert problem is None
    else:
        assert isinstance(problem, ChainProblem)
        assert problem.seq == first_bad
        assert reason in problem.reason


def test_it_accepts_an_empty_chain():
    assert verify_chain([]) is None


# --- the audit page ---------------------------------------------------------------------------


def shown(response) -> list[AuditEvent]:
    return list(response.context["page"].object_list)


def test_it_shows_the_coordinator_their_organisations_events_only(world, signed_in):
    log_event(actor=world[Role.COORDINATOR], action="test.municipal_work", organisation=world.municipal)
    log_event(actor=world["outsider"], action="test.elsewhere_work", organisation=world.other)
    log_event(actor=world[Role.CASEWORKER], action="test.partner_work", organisation=world.social)

    response = signed_in(world[Role.COORDINATOR]).get(reverse("site:audit"))

    assert response.status_code == 200
    assert response.context["scope"].organisation == world.municipal
    work = [event.action for event in shown(response) if not event.action.startswith("auth.")]
    assert work == ["test.municipal_work"]
    content = response.content.decode()
    assert "Other event" in content  # an action without a label is never shown by its code
    assert "test.elsewhere_work" not in content
    assert "test.partner_work" not in content


def test_it_answers_not_found_when_the_coordinator_asks_for_another_organisation(world, signed_in):
    log_event(actor=world["outsider"], action="test.elsewhere_work", organisation=world.other)

    response = signed_in(world[Role.COORDINATOR]).get(reverse("site:audit"), {"organisation": world.other.pk})

    assert response.status_code == 404
    assert "test.elsewhere_work" not in response.content.decode()


def test_it_shows_the_platform_administrator_platform_events_and_no_case_work(world, signed_in):
    for action in ["auth.sign_in.password_accepted", "accounts.invitation.created", "access.refused"]:
        log_event(actor=world[Role.COORDINATOR], action=action, organisation=world.municipal)
    log_event(actor=world[Role.CASEWORKER], action="case.viewed", organisation=world.social)
    log_event(actor=world[Role.CASEWORKER], action="authority.looks_like_auth", organisation=world.social)

    response = signed_in(world[Role.PLATFORM_ADMIN]).get(reverse("site:audit"))

    assert response.status_code == 200
    assert response.context["scope"].organisation is None
    # Signing the administrator in logs an auth.sign_in event of its own.
    assert {event.action for event in shown(response)} == {
        "access.refused",
        "accounts.invitation.created",
        "auth.sign_in.password_accepted",
    }
    assert all(event.organisation != world.social for event in shown(response))
    content = response.content.decode()
    assert "case.viewed" not in content
    assert "authority.looks_like_auth" not in content


def test_it_answers_not_found_to_a_caseworker_without_audit_rights(world, signed_in):
    log_event(actor=world[Role.CASEWORKER], action="test.partner_work", organisation=world.social)

    response = signed_in(world[Role.CASEWORKER]).get(reverse("site:audit"))

    assert response.status_code == 404
    assert "test.partner_work" not in response.content.decode()


# Session, user, second-factor device, memberships, organisations, member ids, count, one page of events,
# and the names of its objects (one query per kind of object: here the people who signed in).
AUDIT_PAGE_QUERY_BOUND = 9


def test_it_reads_the_audit_page_in_a_fixed_number_of_queries(
    world, signed_in, django_assert_max_num_queries
):
    coordinator = world[Role.COORDINATOR]
    actors = [world[role] for role in Role.values]
    client = signed_in(coordinator)

    def add_events(count: int) -> None:
        for n in range(count):
            log_event(
                actor=actors[n % len(actors)], action="test.municipal_work", organisation=world.municipal
            )

    add_events(5)
    with django_assert_max_num_queries(AUDIT_PAGE_QUERY_BOUND) as few:
        response = client.get(reverse("site:audit"))
    assert len(shown(response)) == 6  # the five, and the coordinator's own sign-in

    add_events(55)
    with django_assert_max_num_queries(AUDIT_PAGE_QUERY_BOUND) as many:
        response = client.get(reverse("site:audit"))
    assert len(shown(response)) == 50
    assert response.context["page"].paginator.count == 61
    # Names cost one query per kind of object on the page: the sign-in (a person) has left page one.
    assert len(many.captured_queries) <= len(few.captured_queries)


@pytest.mark.parametrize(
    "details",
    [{"ratio": 0.5}, {"big": 10**20}, {"nested": {"value": 1e20}}, {"items": [1, 2.5]}, {1: "numeric key"}],
)
def test_it_refuses_details_a_database_would_store_differently(db, details):
    with pytest.raises(TypeError):
        log_event(actor=None, action="test.details", details=details)
    assert not AuditEvent.objects.filter(action="test.details").exists()


def test_it_accepts_ids_counts_codes_and_flags_in_details(db):
    details = {"count": 3, "code": "LV", "flag": True, "none": None, "ids": ["a", "b"], "nested": {"n": -1}}
    event = log_event(actor=None, action="test.details", details=details)
    event.refresh_from_db()
    assert event.details == details
    assert verify_chain(AuditEvent.objects.order_by("seq")) is None


def test_it_shows_the_coordinator_the_sign_in_events_of_their_members_only(world, signed_in):
    from tests.factories import TEST_PASSWORD

    analyst, outsider = world[Role.ANALYST], world["outsider"]
    for person in (analyst, outsider):
        from django.test import Client

        Client().post(reverse("accounts:sign_in"), {"username": person.username, "password": TEST_PASSWORD})
        Client().post(
            reverse("accounts:sign_in"), {"username": person.username, "password": "wrong-password"}
        )
    page = signed_in(world[Role.COORDINATOR]).get(reverse("site:audit"))
    shown = list(page.context["page"].object_list)
    mine = [e for e in shown if e.actor_id == analyst.pk or e.object_id == str(analyst.pk)]
    assert {e.action for e in mine} >= {"auth.sign_in.password_accepted", "auth.sign_in.failed"}
    assert not [e for e in shown if e.actor_id == outsider.pk or e.object_id == str(outsider.pk)]


# Actions whose code is built at run time rather than written out in full.
BUILT_ACTIONS = {"auth.password.changed", "auth.password.reset"}


def _actions_written_in_source() -> set[str]:
    """Every audit action code in the source: `action="..."` arguments, and lowercase dotted literals
    of three or more parts in modules that write to the trail (conditional codes such as
    "x.y.created" if ... else "x.y.updated"), whatever app they belong to."""
    import re
    from pathlib import Path

    from django.conf import settings

    found = set(BUILT_ACTIONS)
    for path in (Path(settings.BASE_DIR) / "strom").rglob("*.py"):
        text = path.read_text()
        if "log_event(" not in text or "migrations" in path.parts:
            continue
        found |= set(re.findall(r'action="([a-z_]+(?:\.[a-z_]+)+)"', text))
        found |= set(re.findall(r'"([a-z_]+\.[a-z_]+\.[a-z_]+(?:\.[a-z_]+)*)"', text))
    return found


def test_it_labels_every_action_written_anywhere():
    from strom.core.audit_labels import ACTION_LABELS

    assert _actions_written_in_source() - set(ACTION_LABELS) == set()


def test_it_shows_readable_labels_on_the_audit_page(world, signed_in):
    log_event(actor=world[Role.COORDINATOR], action="accounts.membership.ended", organisation=world.municipal)
    page = signed_in(world[Role.COORDINATOR]).get(reverse("site:audit")).content.decode()
    assert "Membership ended" in page


def test_it_checks_the_chain_every_night_and_records_a_break(db, caplog):
    from strom.core.tasks import check_audit_chain

    log_events(3)
    assert check_audit_chain.call_local() is True
    assert not AuditEvent.objects.filter(action="audit.chain.broken").exists()

    tamper(("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["test.forged", 2]))
    assert check_audit_chain.call_local() is False
    alarm = AuditEvent.objects.get(action="audit.chain.broken")
    assert alarm.severity == "high"
    assert alarm.details == {"first_bad_event": 2}
    assert "Audit trail broken at event 2" in caplog.text
