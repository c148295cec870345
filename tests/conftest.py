from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.middleware import SESSION_SEEN, SESSION_STARTED
from strom.accounts.models import Organisation, User
from strom.accounts.roles import Role
from tests.factories import CountryFactory, MunicipalityFactory, OrganisationFactory, make_member

Kind = Organisation.Kind


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters in the cache (rate limits, unusual reading) start from zero in every test: all test
    requests come from one address, and no test may lean on another's leftovers."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_to_begin_with():
    """Every test starts in the source language. A request in Latvian leaves Latvian active in its
    thread (LocaleMiddleware activates, nothing deactivates), and with tests spread over workers the
    next test in that thread would otherwise read Latvian where it expects English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class World:
    """A municipality with its partners, a national office, the platform operator, and an outsider
    organisation in another municipality of another country."""

    municipal: Organisation
    social: Organisation
    ngo: Organisation
    national: Organisation
    platform: Organisation
    other: Organisation
    people: dict[str, User]

    def __getitem__(self, role: str) -> User:
        return self.people[role]


@pytest.fixture
def world(db) -> World:
    latvia = CountryFactory(code="LV", name="Latvia")
    estonia = CountryFactory(code="EE", name="Estonia")
    home = MunicipalityFactory(country=latvia, name="Testupe")
    away = MunicipalityFactory(country=estonia, name="Muujärve")
    municipal = OrganisationFactory(
        name="Testupe Administration", kind=Kind.MUNICIPAL_ADMINISTRATION, municipality=home
    )
    social = OrganisationFactory(
        name="Testupe Social Service", kind=Kind.MUNICIPAL_SOCIAL_SERVICES, municipality=home
    )
    ngo = OrganisationFactory(name="Test Shelter Association", kind=Kind.NGO, municipality=home)
    national = OrganisationFactory(
        name="Test National Office", kind=Kind.OTHER, municipality=None, country=latvia
    )
    platform = OrganisationFactory(
        name="Test Platform Operator", kind=Kind.OTHER, municipality=None, country=latvia
    )
    other = OrganisationFactory(
        name="Muujärve Social Services", kind=Kind.MUNICIPAL_SOCIAL_SERVICES, municipality=away
    )
    people = {
        Role.COORDINATOR: make_member(municipal, Role.COORDINATOR, username="coordinator"),
        Role.CASEWORKER: make_member(social, Role.CASEWORKER, username="caseworker"),
        Role.SERVICE_PROVIDER: make_member(ngo, Role.SERVICE_PROVIDER, username="provider"),
        Role.TRAINER: make_member(ngo, Role.TRAINER, username="trainer"),
        Role.ANALYST: make_member(municipal, Role.ANALYST, username="analyst"),
        Role.NATIONAL_COORDINATOR: make_member(national, Role.NATIONAL_COORDINATOR, username="national"),
        Role.PLATFORM_ADMIN: make_member(platform, Role.PLATFORM_ADMIN, username="admin"),
        "outsider": make_member(other, Role.COORDINATOR, username="outsider"),
    }
    return World(municipal, social, ngo, national, platform, other, people)


def _start_session(client: Client, user: User, *, verified: bool) -> Client:
    client.force_login(user)
    session = client.session
    now = int(timezone.now().timestamp())  # the clock time_machine moves, as the middleware's
    session[SESSION_STARTED] = now
    session[SESSION_SEEN] = now
    if verified:
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in():
    """signed_in(user) -> a test client with a password and a second factor behind it."""

    def make(user: User) -> Client:
        return _start_session(Client(), user, verified=True)

    return make


@pytest.fixture
def password_only():
    """password_only(user) -> a test client that has given the password but no second factor."""

    def make(user: User) -> Client:
        return _start_session(Client(), user, verified=False)

    return make
