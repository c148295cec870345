"""Gap analysis: for each need of the taxonomy, who provides it in a municipality, and what is missing.

Pure: it takes plain facts about services and returns the matrix, so that the rules are tested with
hand-built tables and the page, CSV and XLSX all show the same result.
"""

from dataclasses import dataclass, field

NONE = "none"  # no provider at all
SINGLE = "single"  # one provider only: fragile, one absence breaks the chain
NO_UNCONDITIONAL = "no_unconditional"  # no provider confirmed unconditional help (unanswered is not yes)
ONLY_IDENTIFIED = "only_identified"  # every provider excludes presumed victims: formal identification first
NO_CHILDREN = "no_children"  # nobody serves children
NO_UNACCOMPANIED = "no_unaccompanied"  # children are served, but none who came without a parent
NO_MEN = "no_men"  # nobody serves men: shelters for men are the gap most often found
NO_FREE_PLACES = "no_free_places"  # every provider counts its places, and none is free right now
NO_LANGUAGE = "no_language"  # nobody in the chosen language
OVERLAP = "overlap"  # many providers: worth coordinating who does what

# Why a service counts in the municipality (issue 9): listed there; listed elsewhere and serving it
# too; serving its whole country (a national shelter or hotline).
LISTED = "listed"
AREA = "area"
NATIONAL = "national"

OVERLAP_FROM = 3
SEVERITY = {
    NONE: 3,
    SINGLE: 2,
    NO_UNCONDITIONAL: 2,
    ONLY_IDENTIFIED: 2,
    NO_FREE_PLACES: 2,
    NO_CHILDREN: 1,
    NO_UNACCOMPANIED: 1,
    NO_MEN: 1,
    NO_LANGUAGE: 1,
    OVERLAP: 0,
}


@dataclass(frozen=True)
class ServiceFacts:
    organisation: str
    needs: frozenset[str]
    unconditional: bool | None = None  # None: not answered yet by the provider, never counted as yes
    children: bool = False
    languages: frozenset[str] = frozenset()
    unaccompanied: bool = False
    men: bool = True
    places_total: int | None = None  # None: the provider does not count places (a helpline, say)
    places_free: int | None = None
    reach: str = LISTED
    presumed_victims: bool | None = None  # open to presumed and potential victims; None: not answered
    potential: bool = False  # could be offered if asked: not a provider, but someone to ask


@dataclass
class NeedRow:
    need: str
    services_by_organisation: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    # Organisations that could offer it if asked and do not provide it today: whom a coordinator can ask.
    could_offer: list[str] = field(default_factory=list)

    @property
    def severity(self) -> int:
        return max((SEVERITY[flag] for flag in self.flags), default=0)


@dataclass
class GapMatrix:
    organisations: list[str]
    rows: list[NeedRow]
    # Providers that are there from elsewhere, so a coordinator sees why: NATIONAL when one of its
    # services serves the whole country, AREA when all of them are listed in another municipality.
    reach: dict[str, str] = field(default_factory=dict)

    def flagged(self, flag: str) -> list[str]:
        return [row.need for row in self.rows if flag in row.flags]


def gap_matrix(needs: list[str], services: list[ServiceFacts], language: str = "") -> GapMatrix:
    """A service that could be offered only if asked is no provider: it fills no gap and has no column,
    but its organisation is named in could_offer for each need it could meet."""
    potential = [s for s in services if s.potential]
    services = [s for s in services if not s.potential]
    rows = []
    for need in needs:
        meeting = [s for s in services if need in s.needs]
        counts: dict[str, int] = {}
        for service in meeting:
            counts[service.organisation] = counts.get(service.organisation, 0) + 1
        could_offer = sorted({s.organisation for s in potential if need in s.needs} - set(counts))
        rows.append(
            NeedRow(need, dict(sorted(counts.items())), _flags(meeting, counts, language), could_offer)
        )
    organisations = sorted({s.organisation for s in services})
    return GapMatrix(organisations, rows, _reach(services))


def _reach(services: list[ServiceFacts]) -> dict[str, str]:
    reaches: dict[str, set[str]] = {}
    for service in services:
        reaches.setdefault(service.organisation, set()).add(service.reach)
    marked = {}
    for organisation, found in sorted(reaches.items()):
        if NATIONAL in found:
            marked[organisation] = NATIONAL
        elif LISTED not in found:
            marked[organisation] = AREA
    return marked


def _flags(meeting: list[ServiceFacts], counts: dict[str, int], language: str) -> list[str]:
    if not meeting:
        return [NONE]
    flags = []
    if len(counts) == 1:
        flags.append(SINGLE)
    if not any(s.unconditional is True for s in meeting):
        flags.append(NO_UNCONDITIONAL)
    if all(s.presumed_victims is False for s in meeting):
        flags.append(ONLY_IDENTIFIED)
    if not any(s.children for s in meeting):
        flags.append(NO_CHILDREN)
    elif not any(s.unaccompanied for s in meeting):
        flags.append(NO_UNACCOMPANIED)
    if not any(s.men for s in meeting):
        flags.append(NO_MEN)
    if all(s.places_total is not None and not s.places_free for s in meeting):
        flags.append(NO_FREE_PLACES)
    if language and not any(language in s.languages for s in meeting):
        flags.append(NO_LANGUAGE)
    if len(counts) >= OVERLAP_FROM:
        flags.append(OVERLAP)
    return flags
