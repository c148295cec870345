"""Rate limits per class of endpoint (issue 7 item 3, security.md 26).

Most tests lower one limit with the `settings` fixture so that a handful of requests reaches it; the
spraying test keeps the shipped numbers, because that is the promise: 50 usernames tried with wrong
passwords from one address are throttled before the 50th.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from strom.accounts.actions import do_create_api_token
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.directory.public_address import address_of
from tests.factories import TEST_PASSWORD

SIGN_IN = "/accounts/sign-in/"
TWO_FACTOR = "/accounts/two-factor/"
OFFICE = "203.0.113.7"  # documentation addresses (RFC 5737): never a real client
ELSEWHERE = "198.51.100.23"


def lower(settings, **rates):
    settings.STROM_RATE_LIMITS = {**getattr(django_settings, "STROM_RATE_LIMITS", {}), **rates}


def from_address(address: str, **extra) -> Client:
    return Client(REMOTE_ADDR=address, **extra)


def public_help(world) -> str:
    return address_of(world.municipal.municipality).path


def assert_refused_page(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert response["Content-Type"].startswith("text/html")


# --- Sign-in ----------------------------------------------------------------------------------


def test_it_throttles_password_spraying_across_fifty_usernames_from_one_address(world):
    sprayer = from_address(OFFICE)
    answers = [
        sprayer.post(SIGN_IN, {"username": f"made-up-{n}", "password": "Spring2024!"}).status_code
        for n in range(50)
    ]
    assert 429 in answers
    assert answers.index(429) < 49
    assert all(status == 429 for status in answers[answers.index(429) :])

    refused = sprayer.post(SIGN_IN, {"username": world[Role.CASEWORKER].username, "password": TEST_PASSWORD})
    assert_refused_page(refused)
    # Someone at another address signs in as usual.
    other = from_address(ELSEWHERE).post(
        SIGN_IN, {"username": world[Role.TRAINER].username, "password": TEST_PASSWORD}
    )
    assert other.status_code == 302


def test_it_counts_only_failed_sign_ins_so_a_room_of_fifty_can_sign_in(world, settings):
    lower(settings, sign_in_ip="3/15m")
    room = from_address(OFFICE)
    for _ in range(10):
        assert (
            room.post(
                SIGN_IN, {"username": world[Role.TRAINER].username, "password": TEST_PASSWORD}
            ).status_code
            == 302
        )
        room.post(reverse("accounts:sign_out"))


def test_it_still_locks_one_username_tried_from_many_addresses(world):
    """Per username the limit stays django-axes' lockout, with its unchanged answer (security.md 2)."""
    analyst = world[Role.ANALYST]
    for n in range(5):
        response = from_address(f"192.0.2.{n + 1}").post(
            SIGN_IN, {"username": analyst.username, "password": "nope"}
        )
        assert response.status_code == 200
    locked = from_address("192.0.2.99").post(
        SIGN_IN, {"username": analyst.username, "password": TEST_PASSWORD}
    )
    assert locked.status_code == 200
    assert "The username or password is not right" in locked.content.decode()
    assert AuditEvent.objects.filter(action="auth.lockout").exists()


# --- Second factor ------------------------------------------------------------------------------


def test_it_throttles_guessing_second_factor_codes_per_user_whatever_the_address(
    world, password_only, settings
):
    lower(settings, two_factor_user="4/15m")
    caseworker = world[Role.CASEWORKER]
    client = password_only(caseworker)
    answers = [
        client.post(TWO_FACTOR, {"code": f"{n:06d}"}, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code
        for n in range(6)
    ]
    assert answers == [200, 200, 200, 200, 429, 429]
    # Another person's second factor is not affected.
    other = password_only(world[Role.TRAINER])
    assert other.post(TWO_FACTOR, {"code": "000000"}).status_code == 200


def test_it_throttles_second_factor_guessing_from_one_address_across_users(world, password_only, settings):
    lower(settings, two_factor_ip="3/15m")
    people = [world[role] for role in (Role.CASEWORKER, Role.TRAINER, Role.ANALYST, Role.SERVICE_PROVIDER)]
    answers = [
        password_only(person).post(TWO_FACTOR, {"code": "000000"}, REMOTE_ADDR=OFFICE).status_code
        for person in people
    ]
    assert answers == [200, 200, 200, 429]


# --- API ----------------------------------------------------------------------------------------


def test_it_throttles_an_api_token_with_a_json_answer(world, settings):
    lower(settings, api_token="5/1m")
    caseworker = world[Role.CASEWORKER]
    token = do_create_api_token(actor=caseworker, name="busy", days=1)[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    answers = [api.get("/api/v1/me") for _ in range(6)]
    assert [r.status_code for r in answers] == [200] * 5 + [429]
    refused = answers[-1]
    assert refused["Content-Type"] == "application/json"
    assert set(refused.json()) == {"detail"}
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another token, of the same person, has its own allowance.
    second = do_create_api_token(actor=caseworker, name="other", days=1)[1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {second}").get("/api/v1/me").status_code == 200


def test_it_documents_the_429_answer_on_every_api_operation():
    from strom.api.v1.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    assert "Retry-After" in schema["components"]["responses"]["TooManyRequests"]["headers"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answer = operation["responses"].get(429)
            assert answer == {"$ref": "#/components/responses/TooManyRequests"}, f"{method.upper()} {path}"


# --- Public pages -------------------------------------------------------------------------------


def test_it_throttles_public_pages_per_address_and_not_the_next_address(world, settings):
    lower(settings, public_ip="5/5m")
    phone = from_address(OFFICE)
    answers = [phone.get(public_help(world)).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert from_address(ELSEWHERE).get(public_help(world)).status_code == 200
    # The load balancer's health check is never throttled.
    assert phone.get(reverse("healthz")).status_code == 200


def test_it_reads_the_client_address_behind_the_configured_proxies(settings):
    from strom.core.ratelimit import client_ip

    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.STROM_TRUSTED_PROXY_COUNT = 0
    assert client_ip(spoofed) == "10.0.0.2"
    settings.STROM_TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "203.0.113.7"
    settings.STROM_TRUSTED_PROXY_COUNT = 2
    assert client_ip(spoofed) == "6.6.6.6"
    # Fewer entries than proxies: the header did not come through them all; trust only the socket.
    settings.STROM_TRUSTED_PROXY_COUNT = 3
    assert client_ip(spoofed) == "10.0.0.2"
    # IPv6 clients are counted per /64, the block one household or phone gets.
    settings.STROM_TRUSTED_PROXY_COUNT = 0
    assert client_ip(factory.get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::"


# --- E-mails to one address -----------------------------------------------------------------------


def test_it_sends_only_a_few_invitations_to_one_address(
    world, signed_in, settings, mailoutbox, django_capture_on_commit_callbacks
):
    lower(settings, invitation_email="2/1d")
    coordinator = signed_in(world[Role.COORDINATOR])
    members = reverse("accounts:members", args=[world.municipal.pk])

    def invite(email):
        with django_capture_on_commit_callbacks(execute=True):
            return coordinator.post(members, {"role": Role.CASEWORKER, "email": email})

    answers = [invite("flooded.inbox@example.invalid").status_code for _ in range(4)]
    assert answers == [302, 302, 429, 429]
    assert len(mailoutbox) == 2
    assert invite("someone.else@example.invalid").status_code == 302
    assert len(mailoutbox) == 3


def test_it_sends_only_a_few_password_reset_mails_to_one_address_known_or_not(world, settings, mailoutbox):
    lower(settings, password_reset_email="2/1h")
    reset = reverse("accounts:password_reset")
    known = [Client().post(reset, {"email": world[Role.CASEWORKER].email}).status_code for _ in range(3)]
    unknown = [Client().post(reset, {"email": "nobody@example.invalid"}).status_code for _ in range(3)]
    assert known == unknown == [302, 302, 429]
    assert len(mailoutbox) == 2


# --- Search and export --------------------------------------------------------------------------


def test_it_throttles_searching_the_directory_per_person(world, signed_in, settings):
    lower(settings, search_user="3/1m")
    coordinator = signed_in(world[Role.COORDINATOR])
    answers = [
        coordinator.get(reverse("directory:service_list"), {"text": f"shelter {n}"}).status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    assert (
        signed_in(world[Role.CASEWORKER]).get(reverse("directory:service_list"), {"text": "x"}).status_code
        == 200
    )


def test_it_throttles_exports_per_person(world, signed_in, settings):
    lower(settings, export_user="2/10m")
    coordinator = signed_in(world[Role.COORDINATOR])
    json_export = f"{reverse('directory:export_json')}?municipality={world.municipal.municipality.pk}"
    answers = [
        coordinator.get(reverse("directory:gap_analysis_csv")).status_code,
        coordinator.get(json_export).status_code,
        coordinator.get(reverse("directory:gap_analysis_xlsx")).status_code,
    ]
    assert answers == [200, 200, 429]


# --- Audit and the refusal page -------------------------------------------------------------------


def test_it_audits_a_refusal_once_per_window_without_the_address(world, settings):
    lower(settings, public_ip="2/1m")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        phone = from_address(OFFICE)
        answers = [phone.get(public_help(world)).status_code for _ in range(4)]
        assert answers == [200, 200, 429, 429]
    events = AuditEvent.objects.filter(action="security.rate_limited")
    assert events.count() == 1
    event = events.get()
    assert event.severity == AuditEvent.Severity.WARNING
    assert event.details["limit"] == "public_ip"
    assert OFFICE not in str(event.details)

    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        answers = [phone.get(public_help(world)).status_code for _ in range(4)]
        assert answers == [200, 200, 429, 429]
    assert AuditEvent.objects.filter(action="security.rate_limited").count() == 2


@pytest.mark.parametrize("how", ["header", "cookie"])
def test_it_answers_in_the_readers_language(world, settings, how):
    lower(settings, public_ip="1/5m")
    if how == "header":
        phone = from_address(OFFICE, HTTP_ACCEPT_LANGUAGE="lv")
    else:
        phone = from_address(OFFICE)
        phone.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "lv"
    phone.get(public_help(world))
    refused = phone.get(public_help(world))
    assert_refused_page(refused)
    assert '<html lang="lv">' in refused.content.decode()
