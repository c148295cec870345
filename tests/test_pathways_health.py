"""The pure parts of the referral mechanism: health check, comparison of versions, diagram."""

from datetime import date, timedelta

import pytest

from strom.pathways import diagram, health
from strom.pathways.structure import (
    OrgRef,
    PathwayData,
    StageData,
    StepData,
    compare,
    from_snapshot,
    to_snapshot,
)

TODAY = date(2026, 12, 1)
NGO = OrgRef("ngo", "Test NGO")
SOCIAL = OrgRef("social", "Test social service")
TAXONOMY = (("accommodation", "Safe accommodation"), ("legal_assistance", "Legal assistance"))


def _step(step_id="s1", **changes) -> StepData:
    values = {
        "id": step_id,
        "title": "A safe place tonight",
        "responsible": NGO,
        "backup": SOCIAL,
        "contact_function": "Duty manager",
        "contact_phone": "+371 6000 0001",
        "contact_reachable_24_7": True,
        "requires_24_7": True,
        "max_response_hours": 4,
        "needs": ("accommodation",),
    }
    values.update(changes)
    return StepData(**values)


def _pathway(*steps, second=None) -> PathwayData:
    stages = [StageData("first_assistance", steps=tuple(steps))]
    stages.append(
        StageData(
            "proceedings",
            steps=(
                second
                or _step(
                    "s2",
                    title="Report to the national referral mechanism",
                    needs=("legal_assistance",),
                    requires_24_7=False,
                    handover="national",
                ),
            ),
        )
    )
    return PathwayData("Test chain", "adults", OrgRef("m", "Testupe"), tuple(stages))


def _agreement(**changes) -> health.AgreementFacts:
    values = {
        "id": "a1",
        "title": "Memorandum",
        "party_ids": frozenset({"ngo", "social"}),
        "step_ids": frozenset({"s1", "s2"}),
        "needs": frozenset(),
        "in_force": True,
        "valid_until": TODAY + timedelta(days=300),
    }
    values.update(changes)
    return health.AgreementFacts(**values)


def _context(**changes) -> health.Context:
    values = {
        "today": TODAY,
        "taxonomy": TAXONOMY,
        "agreements": (_agreement(),),
        "needs_in_directory": frozenset({"accommodation", "legal_assistance"}),
        "unconditional_accommodation": frozenset({"ngo"}),
    }
    values.update(changes)
    return health.Context(**values)


def _codes(problems) -> list[tuple[str, str | None]]:
    return sorted((p.code, p.step_id or p.need or p.agreement_id) for p in problems)


def test_it_finds_nothing_in_a_clean_pathway():
    assert health.check(_pathway(_step()), _context()) == []


@pytest.mark.parametrize(
    ("step_changes", "context_changes", "expected"),
    [
        (
            {"responsible": None},
            {},
            [("no_responsible", "s1"), ("no_unconditional_accommodation", "accommodation")],
        ),
        ({"backup": None}, {}, [("no_backup", "s1")]),
        ({"contact_reachable_24_7": False}, {}, [("not_reachable_24_7", "s1")]),
        ({"contact_phone": ""}, {}, [("contact_missing", "s1")]),
        ({"contact_function": ""}, {}, [("contact_missing", "s1")]),
        ({}, {"agreements": (_agreement(step_ids=frozenset({"s2"})),)}, [("no_agreement", "s1")]),
        ({}, {"agreements": (_agreement(in_force=False),)}, [("no_agreement", "s1"), ("no_agreement", "s2")]),
        (
            {},
            {"agreements": (_agreement(party_ids=frozenset({"social"})),)},
            [("no_agreement", "s1"), ("no_agreement", "s2")],
        ),
        (
            {"needs": ()},
            {},
            [("need_without_step", "accommodation"), ("no_unconditional_accommodation", "accommodation")],
        ),
        (
            {},
            {"needs_in_directory": frozenset({"legal_assistance"})},
            [("need_without_service", "accommodation")],
        ),
        (
            {},
            {"unconditional_accommodation": frozenset()},
            [("no_unconditional_accommodation", "accommodation")],
        ),
        (
            {},
            {"agreements": (_agreement(valid_until=TODAY + timedelta(days=20)),)},
            [("agreement_expiring", "a1")],
        ),
    ],
)
def test_it_finds_each_problem_of_a_hand_built_pathway(step_changes, context_changes, expected):
    problems = health.check(_pathway(_step(**step_changes)), _context(**context_changes))
    assert _codes(problems) == sorted(expected)


def test_it_counts_an_agreement_that_covers_the_steps_needs():
    by_need = _agreement(step_ids=frozenset(), needs=frozenset({"accommodation", "legal_assistance"}))
    assert health.check(_pathway(_step()), _context(agreements=(by_need,))) == []


@pytest.mark.parametrize(
    ("days", "severity"),
    [(60, health.NOTICE), (15, health.NOTICE), (14, health.WARNING), (0, health.WARNING)],
)
def test_it_warns_louder_as_an_agreement_nears_its_end(days, severity):
    context = _context(agreements=(_agreement(valid_until=TODAY + timedelta(days=days)),))
    (problem,) = health.check(_pathway(_step()), context)
    assert (problem.code, problem.severity, problem.details["days"]) == ("agreement_expiring", severity, days)


def test_it_does_not_mention_an_agreement_ending_in_more_than_sixty_days():
    context = _context(agreements=(_agreement(valid_until=TODAY + timedelta(days=61)),))
    assert health.check(_pathway(_step()), context) == []


def test_it_lists_errors_before_warnings():
    problems = health.check(_pathway(_step(backup=None, contact_reachable_24_7=False)), _context())
    assert [p.severity for p in problems] == [health.ERROR, health.WARNING]
    assert health.problems_by_step(problems) == {"s1": health.ERROR}


def test_it_round_trips_a_snapshot():
    data = _pathway(_step(), second=_step("s2", responsible=None, backup=None, needs=()))
    assert from_snapshot(to_snapshot(data)) == data


def test_it_names_added_removed_and_changed_steps_between_versions():
    older = _pathway(_step(), second=_step("s2", title="Legal help"))
    newer = _pathway(_step(backup=None, max_response_hours=2), second=_step("s3", title="Interview"))
    changes = {(c.kind, c.title, c.fields) for c in compare(older, newer)}
    assert changes == {
        ("changed", "A safe place tonight", ("backup", "max_response_hours")),
        ("added", "Interview", ()),
        ("removed", "Legal help", ()),
    }
    assert compare(newer, newer) == []


def test_it_draws_every_step_and_marks_problems_with_more_than_colour():
    data = _pathway(_step(title="Shelter <tonight> & food"))
    svg = diagram.render(data, {"s1": health.ERROR})
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "Shelter &lt;tonight&gt;" in svg and "&amp; food" in svg  # wrapped clear of the mark
    assert "<tonight>" not in svg
    assert svg.count('class="step"') == 2
    assert ">!</text>" in svg  # the problem mark, not only a red frame
    assert "Test NGO" in svg and "<title" in svg and "<desc" in svg


def test_it_keeps_each_mark_of_a_box_on_one_line():
    step = _step(max_response_hours=336, requires_24_7=False, handover="transnational")
    assert diagram._meta_lines(step) == ["within 14 days", "→ abroad"]  # days beyond 48 hours
    assert diagram._meta_lines(_step(max_response_hours=4)) == ["within 4 hours · 24/7"]
