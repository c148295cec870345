"""Every link shown to a person works for that person (issue 9: the administrator's "Gaps" button led
to a 404).

For each persona of the test world, a walk starts at the home page and follows, breadth first, every
link (`<a href>`) to this site that the pages show, with GET only: never a form, never signing out.
Each answer must be 200, or a redirect that ends in 200 and not at the sign-in page. To stay fast, each
URL pattern is visited at most a few times per persona (a list of a hundred services needs one or two
of its detail pages, not all).
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from strom.accounts.roles import Role
from strom.core import registry
from strom.directory.models import Location, NeedTerm, Service
from strom.directory.public_address import address_of

PERSONAS = [
    Role.COORDINATOR,
    Role.CASEWORKER,
    Role.SERVICE_PROVIDER,
    Role.TRAINER,
    Role.ANALYST,
    Role.NATIONAL_COORDINATOR,
    Role.PLATFORM_ADMIN,
    "outsider",
]

# Links a person may be shown but that the walk must not follow: they end the session.
NOT_FOLLOWED = {"accounts:sign_out", "accounts:sign_out_everywhere"}
SIGN_IN = "/accounts/sign-in/"
PER_PATTERN = 2  # visits of one URL pattern (with or without a query string) per persona
MOST_PAGES = 400  # a bound on one persona's walk, far above what the pages offer today


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(page_url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if href.startswith("#"):
            continue  # a place on the same page
        absolute = urljoin("http://testserver" + page_url, href)
        parts = urlsplit(urldefrag(absolute).url)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue  # another site, mailto:, tel:
        if parts.path.startswith(("/static/", "/media/")):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _pattern(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None  # a link to no page at all: visited so that it fails
    return match.view_name


def _walk(client, start: str = "/") -> tuple[list[str], dict[str | None, int]]:
    """Visit what the person is shown from `start`; return the links that do not work, and how many
    times each URL pattern was visited."""
    broken = []
    seen = {start}
    per_pattern: dict[str | None, int] = {}
    queue = deque([(start, "(start)")])
    visited = 0
    while queue and visited < MOST_PAGES:
        url, shown_on = queue.popleft()
        pattern = _pattern(url)
        if pattern in NOT_FOLLOWED:
            continue
        if pattern is not None:
            if per_pattern.get(pattern, 0) >= PER_PATTERN:
                continue
            per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        visited += 1
        response = client.get(url, follow=True)
        landed = response.request["PATH_INFO"]
        signed_out = landed.startswith(SIGN_IN) and not urlsplit(url).path.startswith(SIGN_IN)
        if response.status_code != 200 or signed_out:
            broken.append(f"{url} (shown on {shown_on}) -> {response.status_code} at {landed}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            per_pattern[pattern] = PER_PATTERN  # a download (a PDF takes a second): once is enough
            continue
        for link in _links(landed, response.content.decode()):
            if link not in seen:
                seen.add(link)
                queue.append((link, url))
    return broken, per_pattern


@pytest.fixture
def filled_world(world):
    """The test world with something on every page: each app's objects of the home municipality
    (a service with a confidential location, an import, a published pathway with an agreement, an
    invitation, an API token, a national organisation's area), and a service with a public location
    on the map."""
    registry.url_walk_objects(world, "Fictional lane 1")
    clinic = Service.objects.create(
        organisation=world.social, municipality=world.social.municipality, name="Test counselling"
    )
    clinic.needs.set(NeedTerm.objects.filter(code="counselling"))
    clinic.locations.add(
        Location.objects.create(
            organisation=world.social,
            municipality=world.social.municipality,
            name="Test counselling rooms",
            address_1="Fictional street 2",
            latitude="56.950000",
            longitude="24.100000",
        )
    )
    return world


@pytest.mark.parametrize("person", PERSONAS)
def test_it_shows_every_person_only_links_that_work(filled_world, signed_in, person):
    broken, visited = _walk(signed_in(filled_world[person]))
    assert broken == []
    assert visited["directory:service_list"] >= 1  # the walk went past the home page


@pytest.mark.parametrize("start", [SIGN_IN, "help"])
def test_it_shows_visitors_who_are_not_signed_in_only_links_that_work(filled_world, client, start):
    if start == "help":
        start = address_of(filled_world.municipal.municipality).path
    broken, visited = _walk(client, start)
    assert broken == []
    assert sum(visited.values()) >= 1


def test_it_reports_a_link_that_does_not_work(filled_world, signed_in):
    """The walk itself: a link to no page, and one the person may not open, are reported with the
    page that showed them; places on the same page and other sites are not followed."""
    page = '<a href="/nowhere/">a</a><a href="#top">b</a><a href="mailto:x@example.invalid">c</a>'
    page += (
        '<a href="https://example.invalid/">d</a><a href="/static/strom.css">e</a><a href="../gaps/">f</a>'
    )
    assert _links("/directory/new/", page) == ["/nowhere/", "/directory/gaps/"]
    provider = signed_in(filled_world[Role.SERVICE_PROVIDER])
    assert provider.get("/nowhere/").status_code == 404
    assert provider.get(reverse("accounts:platform_organisations")).status_code == 404


def test_it_shows_the_gaps_button_only_to_people_with_gaps_to_look_at(world, signed_in):
    """A platform administrator has no municipality and reads no country's statistics: the button
    led them to a 404."""
    gaps = reverse("directory:gap_analysis")
    for person, shown in [
        (Role.PLATFORM_ADMIN, False),
        (Role.COORDINATOR, True),
        (Role.NATIONAL_COORDINATOR, True),
    ]:
        page = signed_in(world[person]).get(reverse("directory:service_list"))
        assert (gaps in _links(reverse("directory:service_list"), page.content.decode())) is shown, person
