"""No lost updates (security.md 28): two people saving the same case on the same version at the same
moment, each in their own thread and database connection, give one success and one clear conflict.
PostgreSQL only: SQLite lets one writer in at a time, so there is no race to show there."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from strom.accounts.models import User
from strom.accounts.roles import Role
from strom.cases import actions
from strom.cases.models import Case
from strom.core.models import AuditEvent
from tests.factories import make_member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL's row locks"),
]


def _race(case_id, usernames, changes, version):
    """Each thread saves its change on `version` once both are ready; returns what each got."""
    ready = threading.Barrier(len(usernames))
    outcomes = {}

    def save(username, change):
        try:
            actor = User.objects.get(username=username)
            case = Case.objects.get(pk=case_id)
            ready.wait(timeout=30)
            actions.do_save_facts(actor=actor, case=case, version=version, **change)
            outcomes[username] = "saved"
        except ValidationError as error:
            outcomes[username] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(username, change))
        for username, change in zip(usernames, changes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_it_gives_one_success_and_one_conflict_to_two_simultaneous_edits(world):
    colleague = make_member(world.social, Role.CASEWORKER, username="colleague")
    case = actions.do_open_case(
        actor=world[Role.CASEWORKER],
        lead_organisation=world.social,
        caseworkers=[world[Role.CASEWORKER], colleague],
    )

    outcomes = _race(
        case.pk,
        ["caseworker", "colleague"],
        [{"sex": Case.Sex.FEMALE}, {"sex": Case.Sex.MALE}],
        version=case.version,
    )

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == 2
    assert stored.sex == ("female" if winner == "caseworker" else "male")
    saved = AuditEvent.objects.filter(action="cases.facts.saved")
    assert saved.count() == 1 and saved.get().actor.username == winner
