"""The short address of a municipality's public help page, and where it is shown.

    /help/<country>/<municipality>/        e.g. /help/lv/kalnupe/

the lower-case ISO code of the country and the municipality's slug (names are unique only within a
country). Public identifiers in URLs are otherwise opaque (docs/architecture.md, "Naming"); this is
the stated exception, for public pages only: the help page names no person and shows nothing
confidential, and its address is printed on posters, read aloud and typed from a wall. The old
address with the municipality's id answers with a permanent redirect to this one.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from strom.accounts.models import Municipality


@dataclass(frozen=True)
class PublicAddress:
    municipality: Municipality
    path: str  # /help/lv/kalnupe/
    url: str  # with the site's address in front: what is copied and what the QR code holds
    poster_path: str

    @property
    def without_scheme(self) -> str:
        """What a poster prints in large type: nobody types "https://"."""
        return self.url.split("://", 1)[-1]


def help_kwargs(municipality: Municipality) -> dict[str, str]:
    return {"country": municipality.country_id.lower(), "slug": municipality.slug}


def address_of(municipality: Municipality) -> PublicAddress:
    path = reverse("help:public_help", kwargs=help_kwargs(municipality))
    return PublicAddress(
        municipality=municipality,
        path=path,
        url=settings.STROM_BASE_URL.rstrip("/") + path,
        poster_path=reverse("help:public_poster", kwargs=help_kwargs(municipality)),
    )
