"""Screening with the ILO/EC operational indicators of trafficking in human beings (Delphi survey, 2009):
pure, no database. A screening aid for the caseworker, never a legal determination: identification
belongs to the competent authorities.

The indicators are versioned data, strom/cases/data/indicators-<version>.json, like the need taxonomy
(strom/directory/taxonomy.py): a published file never changes, a new version is a new file listed in
VERSIONS. One file holds all four lists (adults and children, labour and sexual exploitation) because
they share the six elements, the indicator labels, the mapping to the ILO's 11 forced-labour indicators
and the source, and because a revision (say, a national coordinator confirming one list) is one new
version of the whole set that a stored screening can name.

Labels follow the need taxonomy too: they live in the data file as {language: text}, and the code reads
the active language at read time, falling back to English (gettext cannot translate strings read from
JSON). Indicators that appear in several elements or lists share one label entry, so each is translated
once. The elements, clauses, outcomes and messages are fixed by the rule, so they are gettext_lazy here.

Only the adults' labour list is verified (Strom's reference, domain-facts §3.1); the other three are
marked unverified, list by list and indicator by indicator, until a national coordinator confirms them
against the ILO/EC publication. Each indicator of those lists says how Strom derived its weight
("stated", "copied" or "assumed": see the list's note)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DATA_DIR = Path(__file__).resolve().parent / "data"
VERSIONS = ("2009.1",)  # every published version, oldest first
CURRENT_VERSION = VERSIONS[-1]

SCREENING_AID = _(
    "This screening is an aid for the caseworker, not a legal determination. Only the competent "
    "authorities identify a victim of trafficking in human beings, and assistance does not wait for it."
)
UNVERIFIED_LIST = _(
    "This indicator list has not yet been confirmed against the ILO/EC publication by a national "
    "coordinator: treat its weights with care."
)
OUTSIDE_ILO_EC = _(
    "The ILO/EC operational indicators cover trafficking for labour and sexual exploitation only. They do "
    "not cover this form of exploitation, so the screening says nothing about it: record what you observed "
    "in the note."
)


class Audience(StrEnum):
    ADULT = "adult"
    CHILD = "child"


class Form(StrEnum):
    LABOUR = "labour"
    SEXUAL = "sexual"


class Strength(StrEnum):
    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


class Element(StrEnum):
    """The six elements of the Palermo definition, in the order the ILO/EC lists give them."""

    DECEPTIVE_RECRUITMENT = "dr"
    COERCIVE_RECRUITMENT = "cr"
    RECRUITMENT_BY_ABUSE_OF_VULNERABILITY = "vr"
    EXPLOITATION = "ex"
    COERCION_AT_DESTINATION = "cd"
    ABUSE_OF_VULNERABILITY_AT_DESTINATION = "vd"

    @property
    def label(self):
        return ELEMENT_LABELS[self]


ELEMENT_LABELS = {
    Element.DECEPTIVE_RECRUITMENT: _("Deceptive recruitment"),
    Element.COERCIVE_RECRUITMENT: _("Coercive recruitment"),
    Element.RECRUITMENT_BY_ABUSE_OF_VULNERABILITY: _("Recruitment by abuse of vulnerability"),
    Element.EXPLOITATION: _("Exploitative conditions of work"),
    Element.COERCION_AT_DESTINATION: _("Coercion at destination"),
    Element.ABUSE_OF_VULNERABILITY_AT_DESTINATION: _("Abuse of vulnerability at destination"),
}
RECRUITMENT = (
    Element.DECEPTIVE_RECRUITMENT,
    Element.COERCIVE_RECRUITMENT,
    Element.RECRUITMENT_BY_ABUSE_OF_VULNERABILITY,
)
MEANS_AT_DESTINATION = (Element.COERCION_AT_DESTINATION, Element.ABUSE_OF_VULNERABILITY_AT_DESTINATION)


class Clause(StrEnum):
    """The clauses that make an element positive (domain-facts §3.2, step 1), in the order checked."""

    TWO_STRONG = "2s"
    STRONG_AND_ONE_MORE = "1s+1mw"
    THREE_MEDIUM = "3m"
    TWO_MEDIUM_AND_WEAK = "2m+1w"

    @property
    def label(self):
        return CLAUSE_LABELS[self]


CLAUSE_LABELS = {
    Clause.TWO_STRONG: _("2 strong indicators"),
    Clause.STRONG_AND_ONE_MORE: _("1 strong and 1 medium or weak indicator"),
    Clause.THREE_MEDIUM: _("3 medium indicators"),
    Clause.TWO_MEDIUM_AND_WEAK: _("2 medium and 1 weak indicator"),
}


class Outcome(StrEnum):
    INDICATED = "indicated"
    DECEIVED_AND_EXPLOITED = "deceived_and_exploited"
    EXPLOITED_MIGRANT = "exploited_migrant"
    NOT_INDICATED = "not_indicated"
    NO_ELEMENT_POSITIVE = "no_element_positive"

    @property
    def label(self):
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.INDICATED: _("The indicators point to trafficking in human beings"),
    Outcome.DECEIVED_AND_EXPLOITED: _("Deceived and exploited"),
    Outcome.EXPLOITED_MIGRANT: _("Exploited migrant (a labour-rights case)"),
    Outcome.NOT_INDICATED: _("The indicators do not point to trafficking in human beings"),
    Outcome.NO_ELEMENT_POSITIVE: _("No element is positive"),
}

# Forms of exploitation (EU Directive 2011/36 as amended by 2024/1712, and Latvia's forced sham marriage;
# domain-facts §7.2). The ILO/EC lists cover labour and sexual exploitation only.
EXPLOITATION_FORMS = (
    "sexual_exploitation",
    "forced_labour",
    "slavery",
    "servitude",
    "organ_removal",
    "begging",
    "forced_criminality",
    "forced_marriage",
    "sham_marriage",
    "surrogacy",
    "illegal_adoption",
)
# The five forms issue 11 names, and organ removal, which is neither labour nor sexual exploitation.
FORMS_OUTSIDE_ILO_EC = frozenset(
    {
        "forced_marriage",
        "sham_marriage",
        "begging",
        "forced_criminality",
        "surrogacy",
        "illegal_adoption",
        "organ_removal",
    }
)


def outside_ilo_ec(form: str) -> bool:
    """Whether the ILO/EC operational indicators do not cover this form of exploitation, so that the page
    can say so (OUTSIDE_ILO_EC) when it is chosen."""
    if form not in EXPLOITATION_FORMS:
        raise ValueError(f"unknown form of exploitation {form!r}")
    return form in FORMS_OUTSIDE_ILO_EC


def localised(texts: dict) -> str:
    """A label from the data file in the active language, English when it has none yet."""
    language = (get_language() or "en").split("-")[0]
    return texts.get(language) or texts["en"]


@dataclass(frozen=True)
class Indicator:
    code: str  # stable within a version: "<list>.<element>.<n>", e.g. "al.dr.1"
    element: Element
    key: str  # the indicator's entry in the file's labels, shared across elements and lists
    strength: Strength
    verified: bool
    basis: str  # "" on a verified list; "stated", "copied" or "assumed" on the others
    forced_labour: tuple[str, ...]  # codes of the ILO forced-labour indicators it touches
    labels: dict

    @property
    def label(self) -> str:
        return localised(self.labels)


@dataclass(frozen=True)
class IndicatorList:
    code: str
    audience: Audience
    form: Form
    version: str
    verified: bool
    note: str
    indicators: tuple[Indicator, ...]

    def of(self, element: Element) -> tuple[Indicator, ...]:
        return tuple(item for item in self.indicators if item.element == element)

    def by_code(self) -> dict[str, Indicator]:
        return {item.code: item for item in self.indicators}


def data_file(version: str) -> Path:
    if version not in VERSIONS:
        raise ValueError(f"unknown indicator version {version!r}; published: {', '.join(VERSIONS)}")
    return DATA_DIR / f"indicators-{version}.json"


def data(version: str = CURRENT_VERSION) -> dict:
    """One published version of the indicator data, checked. Shared: read it, never change it."""
    return _load(version)


@cache
def _load(version: str) -> dict:
    raw = json.loads(data_file(version).read_text(encoding="utf-8"))
    if raw["version"] != version:
        raise ValueError(f"{data_file(version).name} holds version {raw['version']}")
    check(raw)
    return raw


def check(raw: dict) -> None:
    """Raise ValueError unless the data names its source and version and every list is complete."""
    if not raw.get("version") or not raw.get("source", {}).get("title") or not raw["source"].get("url"):
        raise ValueError("indicator data must name its version and its source")
    forced_labour = {item["code"] for item in raw["forced_labour_indicators"]}
    if len(forced_labour) != 11:
        raise ValueError("the ILO names 11 indicators of forced labour")
    for key, entry in raw["indicators"].items():
        if not entry["label"].get("en"):
            raise ValueError(f"indicator {key} has no English label")
        if not set(entry["forced_labour"]) <= forced_labour:
            raise ValueError(f"indicator {key} names an unknown forced-labour indicator")
    pairs = [(item["audience"], item["form"]) for item in raw["lists"]]
    if sorted(pairs) != sorted((audience.value, form.value) for audience in Audience for form in Form):
        raise ValueError("indicator data must hold exactly one list per audience and form")
    codes = []
    for lst in raw["lists"]:
        if [element["element"] for element in lst["elements"]] != [element.value for element in Element]:
            raise ValueError(f"list {lst['code']} must hold the six elements in order")
        for element in lst["elements"]:
            if not element["indicators"]:
                raise ValueError(f"list {lst['code']} has no indicator for {element['element']}")
            for item in element["indicators"]:
                if not item["code"].startswith(f"{lst['code']}.{element['element']}."):
                    raise ValueError(f"indicator {item['code']} is filed under the wrong list or element")
                if item["strength"] not in set(Strength):
                    raise ValueError(f"indicator {item['code']} has an unknown strength")
                if item["indicator"] not in raw["indicators"]:
                    raise ValueError(f"indicator {item['code']} has no label")
                if item["verified"] and not lst["verified"]:
                    raise ValueError(f"indicator {item['code']} is verified on an unverified list")
                codes.append(item["code"])
    if len(set(codes)) != len(codes):
        raise ValueError("indicator codes repeat")


def indicator_list(audience: str, form: str, version: str = CURRENT_VERSION) -> IndicatorList:
    return _list(Audience(audience), Form(form), version)


def indicator_lists(version: str = CURRENT_VERSION) -> tuple[IndicatorList, ...]:
    return tuple(
        _list(Audience(lst["audience"]), Form(lst["form"]), version) for lst in data(version)["lists"]
    )


@cache
def _list(audience: Audience, form: Form, version: str) -> IndicatorList:
    raw = data(version)
    (lst,) = (item for item in raw["lists"] if (item["audience"], item["form"]) == (audience, form))
    indicators = tuple(
        Indicator(
            code=item["code"],
            element=Element(element["element"]),
            key=item["indicator"],
            strength=Strength(item["strength"]),
            verified=item["verified"],
            basis=item.get("basis", ""),
            forced_labour=tuple(raw["indicators"][item["indicator"]]["forced_labour"]),
            labels=raw["indicators"][item["indicator"]]["label"],
        )
        for element in lst["elements"]
        for item in element["indicators"]
    )
    return IndicatorList(lst["code"], audience, form, version, lst["verified"], lst["note"], indicators)


def forced_labour_labels(version: str = CURRENT_VERSION) -> dict[str, str]:
    """The ILO's 11 indicators of forced labour (SAP-FL, 2012), code to label in the active language."""
    return {item["code"]: localised(item["label"]) for item in data(version)["forced_labour_indicators"]}


def clause_for(strong: int, medium: int, weak: int) -> Clause | None:
    """The first clause of the combination rule (domain-facts §3.2, step 1) that these counts of ticked
    indicators of one element meet, or None: the element is then not positive."""
    if strong >= 2:
        return Clause.TWO_STRONG
    if strong >= 1 and medium + weak >= 1:
        return Clause.STRONG_AND_ONE_MORE
    if medium >= 3:
        return Clause.THREE_MEDIUM
    if medium >= 2 and weak >= 1:
        return Clause.TWO_MEDIUM_AND_WEAK
    return None


# The indicators a clause needs, strongest first: (strong, medium, weak), None being "medium or weak".
_NEEDS = {
    Clause.TWO_STRONG: (2, 0, 0),
    Clause.STRONG_AND_ONE_MORE: (1, None, None),
    Clause.THREE_MEDIUM: (0, 3, 0),
    Clause.TWO_MEDIUM_AND_WEAK: (0, 2, 1),
}


@dataclass(frozen=True)
class ElementResult:
    element: Element
    ticked: tuple[Indicator, ...]
    clause: Clause | None
    because: tuple[Indicator, ...]  # the ticked indicators that meet the clause, in list order

    @property
    def positive(self) -> bool:
        return self.clause is not None


def _element_result(element: Element, ticked: tuple[Indicator, ...]) -> ElementResult:
    by_strength = {strength: [item for item in ticked if item.strength == strength] for strength in Strength}
    clause = clause_for(*(len(by_strength[strength]) for strength in Strength))
    if clause is None:
        return ElementResult(element, ticked, None, ())
    strong, medium, weak = _NEEDS[clause]
    if medium is None:  # one more, medium before weak
        because = (
            by_strength[Strength.STRONG][:1] + (by_strength[Strength.MEDIUM] + by_strength[Strength.WEAK])[:1]
        )
    else:
        because = (
            by_strength[Strength.STRONG][:strong]
            + by_strength[Strength.MEDIUM][:medium]
            + by_strength[Strength.WEAK][:weak]
        )
    order = {item.code: n for n, item in enumerate(ticked)}
    return ElementResult(element, ticked, clause, tuple(sorted(because, key=lambda item: order[item.code])))


@dataclass(frozen=True)
class Assessment:
    indicator_list: IndicatorList
    ticked: tuple[Indicator, ...]
    elements: dict[Element, ElementResult]
    outcome: Outcome
    notice = SCREENING_AID

    @property
    def indicated(self) -> bool:
        return self.outcome == Outcome.INDICATED

    @property
    def positive_elements(self) -> tuple[Element, ...]:
        return tuple(element for element, result in self.elements.items() if result.positive)

    @property
    def forced_labour(self) -> tuple[str, ...]:
        """Codes of the ILO forced-labour indicators the ticked indicators touch, in the ILO's order."""
        touched = {code for item in self.ticked for code in item.forced_labour}
        order = [item["code"] for item in data(self.indicator_list.version)["forced_labour_indicators"]]
        return tuple(code for code in order if code in touched)


def assess(indicator_list: IndicatorList, ticked_codes: Iterable[str]) -> Assessment:
    """Apply the combination rule (domain-facts §3.2) to the indicators a caseworker ticked."""
    known = indicator_list.by_code()
    wanted = set(ticked_codes)
    unknown = wanted - known.keys()
    if unknown:
        raise ValueError(f"not indicators of list {indicator_list.code}: {', '.join(sorted(unknown))}")
    ticked = tuple(item for item in indicator_list.indicators if item.code in wanted)
    elements = {
        element: _element_result(element, tuple(item for item in ticked if item.element == element))
        for element in Element
    }
    positive = {element for element, result in elements.items() if result.positive}
    return Assessment(indicator_list, ticked, elements, _outcome(indicator_list.audience, positive))


def _outcome(audience: Audience, positive: set[Element]) -> Outcome:
    recruitment = bool(positive & set(RECRUITMENT))
    exploitation = Element.EXPLOITATION in positive
    means = bool(positive & set(MEANS_AT_DESTINATION))
    # §3.2: an adult needs a recruitment element, exploitation and a means at destination; for a child the
    # means are not required, "recruitment/act + positive exploitation is enough" (Palermo Art. 3(c)).
    if recruitment and exploitation and (means or audience == Audience.CHILD):
        return Outcome.INDICATED
    if not positive:
        return Outcome.NO_ELEMENT_POSITIVE  # the Moldova survey's "successful migrant"
    # §3.2's intermediate outcomes, read strictly: "exploitation only" means no other element positive;
    # "deception + exploitation without coercion" means deceptive recruitment and exploitation positive,
    # neither coercion element positive (recruitment by abuse of vulnerability may be), and not indicated,
    # which for an adult also rules out abuse of vulnerability at destination.
    if positive == {Element.EXPLOITATION}:
        return Outcome.EXPLOITED_MIGRANT
    coercion = {Element.COERCIVE_RECRUITMENT, Element.COERCION_AT_DESTINATION}
    if {Element.DECEPTIVE_RECRUITMENT, Element.EXPLOITATION} <= positive and not positive & coercion:
        return Outcome.DECEIVED_AND_EXPLOITED
    return Outcome.NOT_INDICATED
