"""Where a service works (its service areas, HSDS service_area), and who may say so.

A service always works in the municipality whose directory lists it. Its ServiceArea rows add further
municipalities (a region is a name shared by several of them) or its whole country. The rules live here
once: the page's form checks them to name the problem, and do_save_service checks them again before it
writes, for the page and the API alike.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from strom.core.text import refuse_control_characters
from strom.directory import permissions as can

NAME_MAX = 100


@dataclass(frozen=True)
class AreaRow:
    """One area to store: a municipality (the object, for its country) or a country code, never both."""

    municipality: object = None
    country: str | None = None
    name: str = ""

    @property
    def key(self) -> str:
        return f"country:{self.country}" if self.country else f"municipality:{self.municipality.pk}"


@dataclass(frozen=True)
class AreaScope:
    """Where this person may say that this organisation's service works: a municipality where the
    organisation works and where the person could list its services themselves; the whole country
    where the organisation is appointed nationally, or where the person is the national coordinator."""

    access: object
    organisation_id: str
    works_in: frozenset[str]  # its own municipality and the municipalities granted to it
    appointed: frozenset[str]  # countries where it is appointed nationally

    def allows_municipality(self, municipality) -> bool:
        works = str(municipality.pk) in self.works_in or municipality.country_id in self.appointed
        return can.can_add_service_area(
            self.access, self.organisation_id, municipality.pk, organisation_works_there=works
        )

    def allows_country(self, country_code: str) -> bool:
        return can.can_serve_whole_country(
            self.access, country_code, appointed=country_code in self.appointed
        )


@dataclass
class CheckedAreas:
    rows: list[AreaRow] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # wrong whoever sends them: 400, a form error
    refused: list[str] = field(default_factory=list)  # outside this person's reach: 404, a form error


def check_areas(
    rows, *, listing, organisation_name: str, scope: AreaScope, stored=frozenset()
) -> CheckedAreas:
    """The rows to store for a service listed in `listing`, and what is wrong with them. The listing
    municipality needs no row (it is always served) and is dropped; so are repeated rows. `stored` holds
    the keys of the rows the service already has: keeping them needs no permission, adding does."""
    checked = CheckedAreas()
    seen: set[str] = set()
    outside, refused = [], []
    for row in rows:
        if row.municipality is not None and row.municipality.pk == listing.pk:
            continue
        if row.key in seen:
            continue
        seen.add(row.key)
        try:
            refuse_control_characters(row.name)
        except ValidationError as error:
            checked.invalid.extend(error.messages)
            continue
        if len(row.name) > NAME_MAX:
            checked.invalid.append(_("The name of the area can be at most 100 characters long."))
            continue
        if row.country is not None:
            if row.country != listing.country_id:
                checked.invalid.append(
                    _("A service can work only in the country of the municipality that lists it.")
                )
            elif row.key not in stored and not scope.allows_country(row.country):
                checked.refused.append(
                    _(
                        "Only an organisation appointed for the whole country, or the country's national "
                        "coordinator, can say that a service works in the whole country."
                    )
                )
            else:
                checked.rows.append(row)
            continue
        if row.municipality.country_id != listing.country_id:
            outside.append(row.municipality.name)
        elif row.key not in stored and not scope.allows_municipality(row.municipality):
            refused.append(row.municipality.name)
        else:
            checked.rows.append(row)
    if outside:
        checked.invalid.append(
            _("%(places)s: not in the country of the municipality that lists the service.")
            % {"places": ", ".join(sorted(outside))}
        )
    if refused:
        checked.refused.append(
            _(
                "%(places)s: %(organisation)s does not serve these municipalities, or you may not list its "
                "services there."
            )
            % {"places": ", ".join(sorted(refused)), "organisation": organisation_name}
        )
    if any(row.country for row in checked.rows) and any(row.municipality for row in checked.rows):
        checked.invalid.append(_("Choose either the whole country or municipalities, not both."))
    return checked


def audit_details(rows) -> list[str]:
    """The areas as ids and codes only, for the audit event (no free text such as the area's name)."""
    return sorted(row.key for row in rows)


# --- Showing where a service works ----------------------------------------------------------------


def serves_whole_country(service) -> bool:
    """From the prefetched areas (queries._with_details prefetches them)."""
    return any(area.country_id for area in service.areas.all())


def where_it_works(service) -> str:
    """'Whole of Latvia', or the municipalities with the area's name: 'Kalnupe, Ezermala (Vidzeme)'.
    The listing municipality comes first; it is always served."""
    areas = list(service.areas.all())
    country = next((area.country for area in areas if area.country_id), None)
    if country is not None:
        return _("Whole of %(country)s") % {"country": country.display_name}
    named: dict[str, list[str]] = {}
    for area in areas:
        if area.municipality_id:
            named.setdefault(area.name, []).append(area.municipality.name)
    if not named:
        return service.municipality.name
    unnamed = named.pop("", [])
    parts = [", ".join([service.municipality.name, *sorted(unnamed)])]
    parts += [f"{', '.join(sorted(places))} ({name})" for name, places in sorted(named.items())]
    return ", ".join(parts)


def also_serves(service) -> str:
    """The short line of a list: '' for a service of its own municipality only."""
    if not service.areas.all():
        return ""
    return where_it_works(service)
