"""Screening with the ILO/EC operational indicators (strom/cases/screening.py): the combination rule of
domain-facts §3.2 written out as data, hand-worked indicator sets on the shipped lists, properties that
must hold for every set, and checks of the data file itself.

Every expected result below was worked by hand from the rule; none is computed by the code under test.
Only the adults' labour list is verified; cases on the other three lists say "unverified list" in their
ids, because their weights are Strom's derivation awaiting a national coordinator's confirmation.
"""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strom.cases import screening
from strom.cases.screening import Clause, Element, Outcome

DATA = Path(screening.__file__).resolve().parent / "data" / "indicators-2009.1.json"
RAW = json.loads(DATA.read_text(encoding="utf-8"))

DR, CR, VR, EX, CD, VD = "dr", "cr", "vr", "ex", "cd", "vd"


# The combination rule, step 1 (domain-facts §3.2), as data: ticked (strong, medium, weak) in one element
# -> the first clause it meets, or None (not positive). Clauses: 2 strong; 1 strong + 1 medium or weak;
# 3 medium; 2 medium + 1 weak.
RULE = [
    ((0, 0, 0), None),
    ((1, 0, 0), None),  # one strong alone is not enough
    ((0, 1, 0), None),
    ((0, 0, 1), None),
    ((0, 2, 0), None),
    ((0, 1, 1), None),
    ((0, 1, 2), None),  # 1 medium + 2 weak: no clause counts weak beyond one
    ((0, 0, 2), None),
    ((0, 0, 3), None),  # weak alone never
    ((0, 0, 7), None),
    ((2, 0, 0), Clause.TWO_STRONG),
    ((3, 1, 1), Clause.TWO_STRONG),
    ((1, 1, 0), Clause.STRONG_AND_ONE_MORE),
    ((1, 0, 1), Clause.STRONG_AND_ONE_MORE),
    ((1, 2, 0), Clause.STRONG_AND_ONE_MORE),
    ((0, 3, 0), Clause.THREE_MEDIUM),
    ((0, 4, 2), Clause.THREE_MEDIUM),
    ((0, 2, 1), Clause.TWO_MEDIUM_AND_WEAK),
    ((0, 2, 2), Clause.TWO_MEDIUM_AND_WEAK),
]


@pytest.mark.parametrize(("counts", "clause"), RULE, ids=[f"{s}S{m}M{w}W" for (s, m, w), _ in RULE])
def test_it_applies_the_element_rule_to_counts(counts, clause):
    assert screening.clause_for(*counts) == clause


def _first(lst, element, strength, n):
    return [item.code for item in lst.of(Element(element)) if item.strength == strength and item.verified][:n]


# The same rule on real indicators of the verified adults' labour list: coercion at destination has
# 4 strong, 10 medium and 1 weak; recruitment by abuse of vulnerability 12 verified medium and 2 weak.
@pytest.mark.parametrize(
    ("counts", "clause"),
    [
        row
        for row in RULE
        if row[0][0] <= 4 and row[0][1] <= 10 and row[0][2] <= 2 and not (row[0][0] and row[0][2] > 1)
    ],
    ids=lambda value: str(value),
)
def test_it_applies_the_element_rule_to_ticked_indicators(counts, clause):
    lst = screening.indicator_list("adult", "labour")
    strong, medium, weak = counts
    element = VR if weak > 1 else CD
    codes = (
        _first(lst, element, "strong", strong)
        + _first(lst, element, "medium", medium)
        + _first(lst, element, "weak", weak)
    )
    assert len(codes) == sum(counts)

    result = screening.assess(lst, codes).elements[Element(element)]

    assert result.clause == clause
    assert result.positive is (clause is not None)


# Hand-worked cases: (id, audience, form, ticked codes, {positive element: clause}, outcome).
# Strengths come from the data file (adults' labour as domain-facts §3.1 gives it).
CASES = [
    pytest.param(
        "adult",
        "labour",
        ["al.dr.1", "al.dr.2", "al.ex.1", "al.ex.2", "al.cd.1", "al.cd.2"],
        # dr: nature of job S + conditions M -> 1S+1M; ex: excessive hours S + bad living M -> 1S+1M;
        # cd: confiscation S + debt bondage S -> 2S. Recruitment, exploitation, means: indicated.
        {DR: Clause.STRONG_AND_ONE_MORE, EX: Clause.STRONG_AND_ONE_MORE, CD: Clause.TWO_STRONG},
        Outcome.INDICATED,
        id="adult labour: deceived, exploited, coerced at destination",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.dr.2", "al.dr.3", "al.dr.4", "al.ex.2", "al.ex.3", "al.ex.9"],
        # dr: three M -> 3M; ex: bad living M + hazardous M + no education W -> 2M+1W. No coercion and no
        # means at destination: not indicated, deceived and exploited.
        {DR: Clause.THREE_MEDIUM, EX: Clause.TWO_MEDIUM_AND_WEAK},
        Outcome.DECEIVED_AND_EXPLOITED,
        id="adult labour: deceived and exploited without coercion",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.ex.1", "al.ex.4"],
        # ex: excessive hours S + low salary M -> 1S+1M; nothing else: exploitation only.
        {EX: Clause.STRONG_AND_ONE_MORE},
        Outcome.EXPLOITED_MIGRANT,
        id="adult labour: exploitation only",
    ),
    pytest.param("adult", "labour", [], {}, Outcome.NO_ELEMENT_POSITIVE, id="adult labour: nothing ticked"),
    pytest.param(
        "adult",
        "labour",
        ["al.dr.10", "al.vr.13", "al.vr.14", "al.ex.9", "al.cd.15", "al.vd.6", "al.vd.7"],
        # Every adult-labour weak indicator; vr and vd each get two W. Weak alone never: nothing positive.
        {},
        Outcome.NO_ELEMENT_POSITIVE,
        id="adult labour: all weak indicators",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.vr.1", "al.vr.2", "al.vr.13", "al.ex.1", "al.ex.9", "al.vd.1", "al.vd.2", "al.vd.3"],
        # vr: two M + beliefs W -> 2M+1W; ex: hours S + no education W -> 1S+1W; vd: three M -> 3M.
        # Recruitment by abuse of vulnerability, exploitation, abuse of vulnerability at destination.
        {VR: Clause.TWO_MEDIUM_AND_WEAK, EX: Clause.STRONG_AND_ONE_MORE, VD: Clause.THREE_MEDIUM},
        Outcome.INDICATED,
        id="adult labour: vulnerability abused at recruitment and destination",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.cr.1", "al.ex.1", "al.ex.2", "al.cd.1"],
        # cr: violence S alone -> not positive; cd: confiscation S alone -> not positive; ex: S+M positive.
        {EX: Clause.STRONG_AND_ONE_MORE},
        Outcome.EXPLOITED_MIGRANT,
        id="adult labour: single strong indicators do not make elements positive",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.dr.1", "al.dr.2", "al.cr.1", "al.cr.3", "al.ex.2", "al.ex.3", "al.ex.7"],
        # dr 1S+1M, cr violence S + confiscation M -> 1S+1M, ex three M -> 3M; no means at destination,
        # so not indicated; coercive recruitment positive, so not "without coercion" either.
        {DR: Clause.STRONG_AND_ONE_MORE, CR: Clause.STRONG_AND_ONE_MORE, EX: Clause.THREE_MEDIUM},
        Outcome.NOT_INDICATED,
        id="adult labour: recruitment and exploitation without means at destination",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.cd.1", "al.cd.2", "al.vd.1", "al.vd.2", "al.vd.3"],
        # cd 2S, vd 3M; no recruitment element and no exploitation: not indicated.
        {CD: Clause.TWO_STRONG, VD: Clause.THREE_MEDIUM},
        Outcome.NOT_INDICATED,
        id="adult labour: means at destination alone",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.vr.1", "al.vr.15", "al.vr.16", "al.ex.1", "al.ex.2", "al.cd.9", "al.cd.10", "al.cd.11"],
        # vr: family situation abuse M + difficulties in the past M? + travel difficulty M? -> 3M, but two
        # of the three weights are unverified (they may be W: then 1M+2W, not positive). ex 1S+1M;
        # cd: three threats M -> 3M. Indicated as shipped.
        {VR: Clause.THREE_MEDIUM, EX: Clause.STRONG_AND_ONE_MORE, CD: Clause.THREE_MEDIUM},
        Outcome.INDICATED,
        id="adult labour: resting on the two unverified weights",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.dr.2", "al.dr.3", "al.ex.2", "al.ex.3", "al.ex.4", "al.cd.1", "al.cd.15"],
        # dr: two M -> not positive; ex 3M; cd confiscation S + threats to inform W -> 1S+1W.
        # No recruitment element: not indicated.
        {EX: Clause.THREE_MEDIUM, CD: Clause.STRONG_AND_ONE_MORE},
        Outcome.NOT_INDICATED,
        id="adult labour: two medium deceptions are not enough",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.cr.1", "al.cr.2", "al.ex.1", "al.ex.2"],
        # cr violence S + abduction M -> 1S+1M; ex 1S+1M; an adult needs a means at destination too.
        {CR: Clause.STRONG_AND_ONE_MORE, EX: Clause.STRONG_AND_ONE_MORE},
        Outcome.NOT_INDICATED,
        id="adult labour: coercive recruitment and exploitation",
    ),
    pytest.param(
        "child",
        "sexual",
        ["cs.cr.1", "cs.cr.2", "cs.ex.1", "cs.ex.2"],
        # The same ticks for a child: cr 1S+1M, ex 1S+1M; the means are not required: indicated.
        {CR: Clause.STRONG_AND_ONE_MORE, EX: Clause.STRONG_AND_ONE_MORE},
        Outcome.INDICATED,
        id="child sexual (unverified list): recruitment and exploitation suffice",
    ),
    pytest.param(
        "child",
        "labour",
        ["cl.dr.10", "cl.dr.2", "cl.ex.2", "cl.ex.3", "cl.ex.4"],
        # Education deception is S for children (W for adults), + conditions M -> 1S+1M; ex 3M. Child:
        # no means needed: indicated.
        {DR: Clause.STRONG_AND_ONE_MORE, EX: Clause.THREE_MEDIUM},
        Outcome.INDICATED,
        id="child labour (unverified list): education deception is strong",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.dr.10", "al.dr.2", "al.ex.2", "al.ex.3", "al.ex.4"],
        # The same ticks for an adult: education deception W + conditions M -> 1M+1W, not positive; ex 3M.
        {EX: Clause.THREE_MEDIUM},
        Outcome.EXPLOITED_MIGRANT,
        id="adult labour: education deception is weak",
    ),
    pytest.param(
        "child",
        "labour",
        ["cl.ex.1", "cl.ex.2"],
        # ex 1S+1M and no recruitment element: a child needs recruitment too.
        {EX: Clause.STRONG_AND_ONE_MORE},
        Outcome.EXPLOITED_MIGRANT,
        id="child labour (unverified list): exploitation without recruitment",
    ),
    pytest.param(
        "child",
        "labour",
        ["cl.cr.4", "cl.cr.7", "cl.ex.1", "cl.ex.9"],
        # Debt bondage and threat of violence are S at recruitment for children -> 2S; ex: hours S + no
        # education (adult W, placed at M for the list without a weak tier) -> 1S+1M. Indicated.
        {CR: Clause.TWO_STRONG, EX: Clause.STRONG_AND_ONE_MORE},
        Outcome.INDICATED,
        id="child labour (unverified list): debt bondage and threats are strong",
    ),
    pytest.param(
        "child",
        "labour",
        ["cl.vr.1", "cl.vr.13", "cl.vr.14", "cl.ex.2", "cl.ex.3"],
        # vr: abuse of family situation M + beliefs and general context (adult W, M here) -> 3M;
        # ex: two M -> not positive. Recruitment alone: not indicated.
        {VR: Clause.THREE_MEDIUM},
        Outcome.NOT_INDICATED,
        id="child labour (unverified list): recruitment without exploitation",
    ),
    pytest.param(
        "adult",
        "sexual",
        ["as.dr.1", "as.dr.8", "as.ex.1", "as.ex.3", "as.cd.6", "as.cd.5"],
        # dr 1S+1M; ex 1S+1M; cd: forced tasks or clients is S on the sexual lists + illicit activities M
        # -> 1S+1M. Indicated.
        {DR: Clause.STRONG_AND_ONE_MORE, EX: Clause.STRONG_AND_ONE_MORE, CD: Clause.STRONG_AND_ONE_MORE},
        Outcome.INDICATED,
        id="adult sexual (unverified list): forced clients are strong",
    ),
    pytest.param(
        "adult",
        "labour",
        ["al.dr.1", "al.dr.8", "al.ex.1", "al.ex.3", "al.cd.6", "al.cd.5"],
        # The same ticks on the labour list: forced tasks M + illicit activities M -> 2M, not positive.
        # Deceptive recruitment and exploitation without coercion.
        {DR: Clause.STRONG_AND_ONE_MORE, EX: Clause.STRONG_AND_ONE_MORE},
        Outcome.DECEIVED_AND_EXPLOITED,
        id="adult labour: forced tasks are medium",
    ),
    pytest.param(
        "adult",
        "sexual",
        ["as.dr.1", "as.dr.2", "as.ex.2", "as.ex.7", "as.ex.8", "as.vd.1", "as.vd.6"],
        # dr 1S+1M; ex three M -> 3M; vd dependency M + difficulties in the past W -> 1M+1W, not positive.
        {DR: Clause.STRONG_AND_ONE_MORE, EX: Clause.THREE_MEDIUM},
        Outcome.DECEIVED_AND_EXPLOITED,
        id="adult sexual (unverified list): one medium and one weak at destination",
    ),
    pytest.param(
        "child",
        "sexual",
        ["cs.dr.1", "cs.ex.1", "cs.ex.2", "cs.cd.6", "cs.cd.1"],
        # dr: nature of job S alone -> not positive; ex 1S+1M; cd: forced clients S + confiscation S -> 2S.
        # No recruitment element: not indicated, even for a child.
        {EX: Clause.STRONG_AND_ONE_MORE, CD: Clause.TWO_STRONG},
        Outcome.NOT_INDICATED,
        id="child sexual (unverified list): no recruitment element",
    ),
]


@pytest.mark.parametrize(("audience", "form", "ticked", "positive", "outcome"), CASES)
def test_it_assesses_hand_worked_indicator_sets(audience, form, ticked, positive, outcome):
    result = screening.assess(screening.indicator_list(audience, form), ticked)

    assert {element.value: r.clause for element, r in result.elements.items() if r.positive} == positive
    assert result.outcome == outcome
    assert result.indicated is (outcome == Outcome.INDICATED)


def test_it_says_which_indicators_made_an_element_positive():
    lst = screening.indicator_list("adult", "labour")

    result = screening.assess(lst, ["al.cd.1", "al.cd.2", "al.cd.3", "al.cd.15", "al.ex.2", "al.ex.3"])

    destination = result.elements[Element.COERCION_AT_DESTINATION]
    assert destination.clause == Clause.TWO_STRONG
    assert [item.code for item in destination.because] == ["al.cd.1", "al.cd.2"]
    assert [item.code for item in destination.ticked] == ["al.cd.1", "al.cd.2", "al.cd.3", "al.cd.15"]
    assert destination.because[0].label == "Confiscation of documents"
    exploitation = result.elements[Element.EXPLOITATION]
    assert not exploitation.positive and exploitation.because == ()


def test_it_prefers_a_medium_to_a_weak_for_the_strong_clause():
    lst = screening.indicator_list("adult", "labour")

    result = screening.assess(lst, ["al.ex.9", "al.ex.4", "al.ex.1"])

    assert [item.code for item in result.elements[Element.EXPLOITATION].because] == ["al.ex.1", "al.ex.4"]


def test_it_names_the_forced_labour_indicators_touched():
    lst = screening.indicator_list("adult", "labour")

    # Confiscation of documents, isolation/confinement/surveillance, withholding of wages, excessive hours.
    result = screening.assess(lst, ["al.cd.1", "al.cd.3", "al.cd.14", "al.ex.1"])

    assert result.forced_labour == (
        "restriction_of_movement",
        "isolation",
        "retention_of_identity_documents",
        "withholding_of_wages",
        "excessive_overtime",
    )
    assert screening.forced_labour_labels()["isolation"] == "Isolation"


def test_it_refuses_codes_of_another_list():
    with pytest.raises(ValueError, match=r"cl\.dr\.1"):
        screening.assess(screening.indicator_list("adult", "labour"), ["al.dr.1", "cl.dr.1"])


def test_it_states_that_it_is_a_screening_aid():
    result = screening.assess(screening.indicator_list("adult", "labour"), [])

    assert "not a legal determination" in str(result.notice)
    assert "competent authorities" in str(result.notice)


@pytest.mark.parametrize(
    ("form", "outside"),
    [
        ("forced_marriage", True),
        ("sham_marriage", True),
        ("begging", True),
        ("forced_criminality", True),
        ("surrogacy", True),
        ("illegal_adoption", True),
        ("forced_labour", False),
        ("sexual_exploitation", False),
    ],
)
def test_it_tells_which_forms_the_ilo_ec_lists_do_not_cover(form, outside):
    assert screening.outside_ilo_ec(form) is outside


def test_it_refuses_an_unknown_form():
    with pytest.raises(ValueError, match="unknown form"):
        screening.outside_ilo_ec("piracy")


# Properties, for every list and every set of ticks.

LISTS = screening.indicator_lists()


@st.composite
def list_and_two_sets(draw):
    lst = draw(st.sampled_from(LISTS))
    codes = [item.code for item in lst.indicators]
    smaller = draw(st.sets(st.sampled_from(codes)))
    larger = smaller | draw(st.sets(st.sampled_from(codes)))
    return lst, smaller, larger


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LISTS), st.data())
def test_it_never_makes_an_element_positive_with_weak_indicators_alone(lst, data):
    weak = [item.code for item in lst.indicators if item.strength == "weak"]
    ticked = data.draw(st.sets(st.sampled_from(weak))) if weak else set()

    assert screening.assess(lst, ticked).positive_elements == ()


@given(st.integers(min_value=0, max_value=50))
def test_it_never_counts_weak_alone_in_the_rule(weak):
    assert screening.clause_for(0, 0, weak) is None


@settings(max_examples=300, deadline=None)
@given(list_and_two_sets())
def test_it_never_turns_positive_to_negative_by_adding_an_indicator(case):
    lst, smaller, larger = case

    before = screening.assess(lst, smaller)
    after = screening.assess(lst, larger)

    assert set(before.positive_elements) <= set(after.positive_elements)
    if before.indicated:
        assert after.indicated


@given(st.tuples(*[st.integers(0, 5)] * 3), st.sampled_from(["strong", "medium", "weak"]))
def test_it_keeps_the_rule_monotone_in_counts(counts, more):
    bigger = list(counts)
    bigger[["strong", "medium", "weak"].index(more)] += 1
    if screening.clause_for(*counts) is not None:
        assert screening.clause_for(*bigger) is not None


# The data file, read as plain JSON.


def test_it_names_the_source_and_version():
    assert RAW["version"] == "2009.1"
    assert "Operational indicators of trafficking in human beings" in RAW["source"]["title"]
    assert "Delphi" in RAW["source"]["title"]
    assert "WCMS_105023" in RAW["source"]["url"]
    assert RAW["source"]["publisher"].startswith("International Labour Office")


def test_it_holds_four_lists_with_the_six_elements():
    assert sorted((lst["audience"], lst["form"]) for lst in RAW["lists"]) == [
        ("adult", "labour"),
        ("adult", "sexual"),
        ("child", "labour"),
        ("child", "sexual"),
    ]
    for lst in RAW["lists"]:
        assert [element["element"] for element in lst["elements"]] == [DR, CR, VR, EX, CD, VD]
        assert all(element["indicators"] for element in lst["elements"])


def test_it_keeps_codes_unique_and_strengths_known():
    items = [item for lst in RAW["lists"] for element in lst["elements"] for item in element["indicators"]]
    codes = [item["code"] for item in items]

    assert len(codes) == len(set(codes))
    assert {item["strength"] for item in items} <= {"strong", "medium", "weak"}
    assert all(item["indicator"] in RAW["indicators"] for item in items)
    assert all(RAW["indicators"][key]["label"]["en"] for key in RAW["indicators"])


def test_it_verifies_only_the_adults_labour_list():
    flags = {(lst["audience"], lst["form"]): lst["verified"] for lst in RAW["lists"]}

    assert flags == {
        ("adult", "labour"): True,
        ("adult", "sexual"): False,
        ("child", "labour"): False,
        ("child", "sexual"): False,
    }
    for lst in RAW["lists"]:
        if not lst["verified"]:
            assert "national coordinator must confirm" in lst["note"]
            assert all(
                not item["verified"] and item["basis"] in {"stated", "copied", "assumed"}
                for element in lst["elements"]
                for item in element["indicators"]
            )


# The adults' labour list as domain-facts §3.1 gives it: strengths per element in its order.
ADULTS_LABOUR = {
    DR: "SMMMMMMMMW",
    CR: "SMMMMMMMMM",
    VR: "MMMMMMMMMMMMWWMM",  # the last two are the ⚠ items, encoded M as the synthesis has them
    EX: "SMMMMMMMW",
    CD: "SSSSMMMMMMMMMMW",
    VD: "MMMMMWW",
}


def test_it_ships_the_adults_labour_list_as_the_reference_gives_it():
    (lst,) = (lst for lst in RAW["lists"] if lst["code"] == "al")

    for element in lst["elements"]:
        strengths = "".join(item["strength"][0].upper() for item in element["indicators"])
        assert strengths == ADULTS_LABOUR[element["element"]], element["element"]
    unverified = [
        item for element in lst["elements"] for item in element["indicators"] if not item["verified"]
    ]
    assert [RAW["indicators"][item["indicator"]]["label"]["en"] for item in unverified] == [
        "Difficulties in the past",
        "Difficulty to organise the travel",
    ]
    assert [item["code"] for item in unverified] == ["al.vr.15", "al.vr.16"]


def test_it_maps_to_the_ilos_eleven_forced_labour_indicators():
    assert len(RAW["forced_labour_indicators"]) == 11
    known = {item["code"] for item in RAW["forced_labour_indicators"]}
    assert all(set(entry["forced_labour"]) <= known for entry in RAW["indicators"].values())


def test_it_refuses_data_with_a_repeated_code():
    broken = json.loads(DATA.read_text(encoding="utf-8"))
    broken["lists"][1]["elements"][0]["indicators"][1]["code"] = "as.dr.1"

    with pytest.raises(ValueError, match="repeat"):
        screening.check(broken)


def test_it_refuses_data_without_a_source():
    broken = json.loads(DATA.read_text(encoding="utf-8"))
    del broken["source"]

    with pytest.raises(ValueError, match="source"):
        screening.check(broken)


def test_it_refuses_a_verified_indicator_on_an_unverified_list():
    broken = json.loads(DATA.read_text(encoding="utf-8"))
    broken["lists"][2]["elements"][0]["indicators"][0]["verified"] = True

    with pytest.raises(ValueError, match="unverified list"):
        screening.check(broken)


def test_it_refuses_an_unknown_version():
    with pytest.raises(ValueError, match="unknown indicator version"):
        screening.indicator_list("adult", "labour", "2008.1")


def _texts_by_language(node, found):
    """Every {language: text} entry of the data file (the labels a caseworker reads)."""
    if isinstance(node, dict):
        if "en" in node and all(isinstance(value, str) for value in node.values()):
            found.append(node)
            return found
        for value in node.values():
            _texts_by_language(value, found)
    elif isinstance(node, list):
        for value in node:
            _texts_by_language(value, found)
    return found


def test_it_gives_every_label_in_the_five_languages():
    from django.conf import settings as django_settings

    raw = json.loads((screening.DATA_DIR / f"indicators-{screening.CURRENT_VERSION}.json").read_text())
    labels = _texts_by_language({k: v for k, v in raw.items() if k != "source"}, [])
    assert len(labels) > 60
    languages = [code for code, _name in django_settings.LANGUAGES]
    missing = [label["en"] for label in labels if not all(label.get(lang, "").strip() for lang in languages)]
    assert missing == []


def test_it_reads_the_labels_in_the_active_language():
    from django.utils import translation

    first = screening.indicator_list("adult", "labour").indicators[0]
    with translation.override("en"):
        english = first.label
    with translation.override("lv"):
        latvian = first.label
    assert english and latvian and english != latvian
