"""Facts that are recorded and never gate anything (issue 11): whether the person cooperates with the
authorities, criminal proceedings, a compensation claim, a residence-permit track, non-punishment
raised, and who referred a returning national from abroad. Assistance is unconditional (CoE Convention
Art. 12(6)), so these are kept for monitoring only: saved by do_save_facts, and read by no permission,
no action and no transition. The tests check both the behaviour and the code."""

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strom.accounts.access import get_access
from strom.accounts.roles import Role
from strom.cases import actions
from strom.cases.models import RECORDED_ONLY_FACTS, Case
from strom.cases.queries import cases_visible_to, get_case_for
from strom.core.models import AuditEvent
from strom.core.text import NAME_MAX

CASES_APP = Path(actions.__file__).resolve().parent
STROM = CASES_APP.parent
FICTIONAL_NRM = "Fictional Republic's National Referral Mechanism"

# Every value each fact can take: the behaviour must be the same for all of them.
EVERY_VALUE = [
    *(("cooperates_with_authorities", value) for value in Case.Cooperation.values),
    *(("proceedings", value) for value in Case.Proceedings.values),
    *(("compensation", value) for value in Case.Compensation.values),
    *(("residence_permit", value) for value in Case.ResidencePermit.values),
    ("non_punishment_raised", False),
    ("non_punishment_raised", True),
    ("referred_from_abroad_by", ""),
    ("referred_from_abroad_by", FICTIONAL_NRM),
]


def test_it_lists_each_recorded_only_fact_once_among_the_facts_do_save_facts_takes():
    assert len(set(RECORDED_ONLY_FACTS)) == len(RECORDED_ONLY_FACTS) == 6
    assert set(RECORDED_ONLY_FACTS) <= set(actions.FACT_FIELDS)
    assert {name for name, _value in EVERY_VALUE} == set(RECORDED_ONLY_FACTS)


# --- Recording ---------------------------------------------------------------------------------------


def test_it_opens_a_case_with_the_defaults_that_assume_nothing(world):
    case = actions.do_open_case(actor=world.people[Role.CASEWORKER], lead_organisation=world.social)
    stored = Case.objects.get(pk=case.pk)
    assert [getattr(stored, name) for name in RECORDED_ONLY_FACTS] == [
        "unknown",
        "none",
        "none",
        "not_applicable",
        False,
        "",
    ]


def test_it_saves_every_recorded_only_fact_with_one_audit_event_naming_fields_not_values(world):
    caseworker = world.people[Role.CASEWORKER]
    case = actions.do_open_case(actor=caseworker, lead_organisation=world.social)
    actions.do_save_facts(
        actor=caseworker,
        case=case,
        version=case.version,
        cooperates_with_authorities=Case.Cooperation.NO,
        proceedings=Case.Proceedings.TRIAL,
        compensation=Case.Compensation.FILED,
        residence_permit=Case.ResidencePermit.APPLIED,
        non_punishment_raised=True,
        referred_from_abroad_by=FICTIONAL_NRM,
    )
    stored = Case.objects.get(pk=case.pk)
    assert [getattr(stored, name) for name in RECORDED_ONLY_FACTS] == [
        "no",
        "trial",
        "filed",
        "applied",
        True,
        FICTIONAL_NRM,
    ]
    assert stored.version == 2
    event = AuditEvent.objects.get(action="cases.facts.saved")
    assert event.details == {"fields": sorted(RECORDED_ONLY_FACTS)}
    assert FICTIONAL_NRM not in str(event.details)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("cooperates_with_authorities", "required", "invalid_choice"),
        ("proceedings", "sentenced", "invalid_choice"),
        ("compensation", "paid", "invalid_choice"),
        ("residence_permit", "permanent", "invalid_choice"),
        ("referred_from_abroad_by", "Fictional\x00NRM", "control_character"),
        ("referred_from_abroad_by", "x" * (NAME_MAX + 1), "max_length"),
    ],
)
def test_it_refuses_a_value_outside_the_policy_and_saves_nothing(world, field, value, code):
    caseworker = world.people[Role.CASEWORKER]
    case = actions.do_open_case(actor=caseworker, lead_organisation=world.social)
    with pytest.raises(ValidationError) as refused:
        actions.do_save_facts(actor=caseworker, case=case, version=case.version, **{field: value})
    assert field in refused.value.error_dict
    assert [error.code for error in refused.value.error_dict[field]] == [code]
    assert Case.objects.get(pk=case.pk).version == 1
    assert not AuditEvent.objects.filter(action="cases.facts.saved").exists()


# --- Never gating: behaviour ----------------------------------------------------------------------------

TRACKS = [
    *((actions.do_change_phase, to) for to in Case.Phase.values),
    *((actions.do_change_identification_status, to) for to in Case.Identification.values),
]


def _outcome(world, action, to, **facts):
    """Open a case with `facts` and move one track to `to`: what happened, without ids or times."""
    caseworker = world.people[Role.CASEWORKER]
    case = actions.do_open_case(actor=caseworker, lead_organisation=world.social, **facts)
    try:
        transition = action(
            actor=caseworker, case=case, version=case.version, to=to, occurred_on=timezone.localdate()
        )
    except ValidationError as refused:
        return ("refused", refused.code)
    stored = Case.objects.get(pk=case.pk)
    return (
        "moved",
        transition.track,
        transition.from_value,
        transition.to_value,
        stored.assistance_phase,
        stored.identification_status,
        stored.version,
    )


@pytest.mark.parametrize(("field", "value"), EVERY_VALUE, ids=lambda v: str(v) or "empty")
def test_it_moves_both_tracks_to_every_value_the_same_whatever_the_fact(world, field, value):
    """A person who does not cooperate, whose case has no proceedings, no permit, no claim, is moved
    to every phase and every identification status exactly as anyone else."""
    for action, to in TRACKS:
        baseline = _outcome(world, action, to)
        assert _outcome(world, action, to, **{field: value}) == baseline, (action.__name__, to)
        # Every move away from where a new case starts succeeds.
        assert baseline[0] == "moved" or to in (Case.Phase.SIGNAL, Case.Identification.NOT_ASSESSED)


@pytest.mark.parametrize("value", Case.Cooperation.values)
def test_it_lets_the_same_people_see_and_edit_a_case_whatever_the_cooperation(world, value):
    caseworker, coordinator = world.people[Role.CASEWORKER], world.people[Role.COORDINATOR]
    case = actions.do_open_case(
        actor=caseworker,
        lead_organisation=world.social,
        cooperates_with_authorities=value,
        proceedings=Case.Proceedings.NONE,
    )
    for person in (caseworker, coordinator):
        assert list(cases_visible_to(get_access(person))) == [case]
        assert get_case_for(get_access(person), case.pk) == case
    assert get_case_for(get_access(caseworker), case.pk, for_write=True) == case
    assert not cases_visible_to(get_access(world.people["outsider"])).exists()


# --- Never gating: the code --------------------------------------------------------------------------

# Modules of the cases app that may name the facts: where they are defined and their migrations.
# Modules that only show or edit them (forms, views, the API's serializers, templates) may name them
# too when they come; actions.py is checked on its own below.
MAY_NAME_THEM = {"models.py", "forms.py", "views.py", "api.py", "serializers.py"}
FACT_NAME = re.compile(r"\b(" + "|".join([*RECORDED_ONLY_FACTS, "RECORDED_ONLY_FACTS"]) + r")\b")


def _named_in(path: Path) -> list[str]:
    return sorted(set(FACT_NAME.findall(path.read_text(encoding="utf-8"))))


def test_it_finds_the_facts_where_they_are_defined_so_the_scans_below_are_not_vacuous():
    assert _named_in(CASES_APP / "models.py") == sorted([*RECORDED_ONLY_FACTS, "RECORDED_ONLY_FACTS"])


def test_it_never_names_the_facts_in_any_permissions_module():
    named = {str(path.relative_to(STROM)): _named_in(path) for path in STROM.rglob("permissions.py")}
    assert "cases/permissions.py" in named
    assert {path: names for path, names in named.items() if names} == {}


def test_it_never_names_the_facts_in_the_cases_app_outside_models_and_migrations():
    named = {
        str(path.relative_to(CASES_APP)): _named_in(path)
        for path in CASES_APP.rglob("*.py")
        if path.name not in MAY_NAME_THEM and "migrations" not in path.parts and path.name != "actions.py"
    }
    assert "queries.py" in named
    assert {path: names for path, names in named.items() if names} == {}


def test_it_lets_actions_name_the_facts_only_in_the_list_of_facts_do_save_facts_takes():
    """No function of actions.py names a recorded-only fact or their list: the transitions and every
    other action cannot depend on them. They reach do_save_facts and do_open_case only through
    FACT_FIELDS, a module-level list that these two check names against."""
    tree = ast.parse((CASES_APP / "actions.py").read_text(encoding="utf-8"))
    mentions = {}
    for function in (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)):
        names = set(FACT_NAME.findall(ast.unparse(function)))
        if names:
            mentions[function.name] = sorted(names)
    assert mentions == {}
    fact_fields = next(
        node
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "FACT_FIELDS" for t in node.targets)
    )
    assert "RECORDED_ONLY_FACTS" in ast.unparse(fact_fields)
    users_of_fact_fields = {
        function.name
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef) and "FACT_FIELDS" in ast.unparse(function)
    }
    assert users_of_fact_fields == {"_check_facts"}
