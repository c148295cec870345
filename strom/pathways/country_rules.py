"""A country's rules as the pathway pages, templates, cards and health check read them.

Pure: it reads a NationalMechanism (or None where the national coordinator has not filled it in) and
answers plain questions: which international instruments a text may cite there, whether a group of
people gets a reflection period, which rules are still missing. The rules themselves are data that the
national coordinator edits, each with its source (docs/pathways.md lists the ones the demo ships).
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from strom.pathways.models import NationalMechanism, ReflectionFor

# The instruments a template cites. Guidance (TRM-EU guidelines, OSCE handbook) binds nobody and may be
# cited everywhere; the Convention and the Directive only where the country is bound by them.
CONVENTION = "coe"
DIRECTIVE = "eu"
GUIDANCE = "guidance"


# The language a municipality's coordinator most likely writes in: the country's official language,
# where Strom is translated into it. Elsewhere the coordinator's own language is the best guess.
LANGUAGE_OF_COUNTRY = {"LV": "lv", "EE": "et", "LT": "lt"}


def language_of(country_id: str, fallback: str) -> str:
    return LANGUAGE_OF_COUNTRY.get(country_id, fallback)


@dataclass(frozen=True)
class Citation:
    """A reference to an instrument, written out in the active language when a template is copied."""

    instrument: str
    articles: str = ""  # e.g. "10(1), 12(2)": numbers read the same in every language
    name: str = ""  # for guidance: its (translatable) name

    @property
    def text(self) -> str:
        if self.instrument == CONVENTION:
            return gettext("CoE Convention CETS 197, Art. %(articles)s") % {"articles": self.articles}
        if self.instrument == DIRECTIVE:
            return gettext("Directive 2011/36/EU, Art. %(articles)s") % {"articles": self.articles}
        return str(self.name)


def _articles(text: str) -> str:
    return text.removeprefix("Art. ")


def coe(text: str) -> Citation:
    return Citation(CONVENTION, _articles(text))


def eu(text: str) -> Citation:
    return Citation(DIRECTIVE, _articles(text))


def guidance(name) -> Citation:
    return Citation(GUIDANCE, name=name)


def instruments_of(rules: NationalMechanism | None) -> frozenset[str]:
    """The instruments that apply in the country. Unknown rules: a country of the Baltic Sea region
    is most often bound by both, and the national coordinator is asked to say (missing_rules)."""
    if rules is None:
        return frozenset({CONVENTION, DIRECTIVE, GUIDANCE})
    applying = {GUIDANCE}
    if rules.bound_by_convention:
        applying.add(CONVENTION)
    if rules.bound_by_directive:
        applying.add(DIRECTIVE)
    return frozenset(applying)


def cite(citations: tuple[Citation, ...], instruments: frozenset[str]) -> str:
    return "; ".join(citation.text for citation in citations if citation.instrument in instruments)


class Group:
    """The groups of people whose rights differ: a country's own nationals (often returning from
    abroad), citizens of other EU and EEA countries, and other foreign nationals."""

    NATIONALS = "nationals"
    EU_CITIZENS = "eu_citizens"
    OTHER_FOREIGNERS = "other_foreigners"

    LABELS = {
        NATIONALS: _("Nationals of the country"),
        EU_CITIZENS: _("Citizens of other EU and EEA countries"),
        OTHER_FOREIGNERS: _("Nationals of countries outside the EU and EEA"),
    }
    ALL = (NATIONALS, EU_CITIZENS, OTHER_FOREIGNERS)


_GRANTED_TO = {
    ReflectionFor.EVERYONE: set(Group.ALL),
    ReflectionFor.FOREIGN_NATIONALS: {Group.EU_CITIZENS, Group.OTHER_FOREIGNERS},
    ReflectionFor.NON_EU_NATIONALS: {Group.OTHER_FOREIGNERS},
    ReflectionFor.NOBODY: set(),
}


@dataclass(frozen=True)
class Reflection:
    group: str
    applies: bool | None  # None: the country's rule is not filled in
    days: int | None = None
    granted_by: str = ""
    start: str = ""
    verified: bool = False

    @property
    def label(self):
        return Group.LABELS[self.group]


def reflection_for(rules: NationalMechanism | None, group: str) -> Reflection:
    if rules is None or not rules.reflection_for:
        return Reflection(group, None)
    applies = group in _GRANTED_TO[ReflectionFor(rules.reflection_for)]
    if not applies:
        return Reflection(group, False, verified=rules.reflection_verified)
    return Reflection(
        group,
        True,
        days=rules.reflection_days,
        granted_by=rules.reflection_granted_by,
        start=rules.reflection_start,
        verified=rules.reflection_verified,
    )


def reflection_by_group(rules: NationalMechanism | None) -> list[Reflection]:
    return [reflection_for(rules, group) for group in Group.ALL]


def missing_rules(rules: NationalMechanism | None) -> list[str]:
    """The country rules that templates, cards and the health check need and that are not filled in."""
    if rules is None:
        return [str(_("the national referral mechanism and the country's rules"))]
    missing = []
    if not rules.identifying_authority:
        missing.append(str(_("who decides on reasonable grounds and identifies")))
    if not rules.reflection_for or (
        rules.reflection_for != ReflectionFor.NOBODY and not rules.reflection_days
    ):
        missing.append(str(_("the reflection period")))
    if not rules.programme_name:
        missing.append(str(_("the state assistance programme")))
    if not rules.hotline_phone:
        missing.append(str(_("the national hotline")))
    return missing


def unverified_rules(rules: NationalMechanism | None) -> list[str]:
    """The filled-in rules that nobody has yet checked against their source."""
    if rules is None:
        return []
    groups = [
        (rules.identifying_authority, rules.identification_verified, _("identification")),
        (rules.reflection_for, rules.reflection_verified, _("the reflection period")),
        (rules.programme_name, rules.programme_verified, _("the state assistance programme")),
        (True, rules.instruments_verified, _("the instruments that bind the country")),
    ]
    return [str(label) for filled, verified, label in groups if filled and not verified]
