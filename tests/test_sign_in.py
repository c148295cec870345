import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts import otp
from strom.accounts.lockout import cool_off_for
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from tests.factories import TEST_PASSWORD

SIGN_IN = "/accounts/sign-in/"
TWO_FACTOR = "/accounts/two-factor/"


def post_password(client, username, password=TEST_PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def code_now(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key):06d}"


def normalised_body(response, username: str) -> str:
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', body)
    return body.replace(f'value="{username}"', 'value="USERNAME"')


def test_it_signs_in_with_password_then_second_factor(world, client):
    caseworker = world[Role.CASEWORKER]
    response = post_password(client, caseworker.username)
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR
    assert client.get(reverse("site:home"))["Location"].startswith(TWO_FACTOR)

    response = client.post(TWO_FACTOR, {"code": code_now(caseworker)})
    assert response.status_code == 302 and response["Location"] == reverse("site:home")
    assert client.get(reverse("site:home")).status_code == 200
    actions = list(AuditEvent.objects.filter(actor=caseworker).values_list("action", flat=True))
    assert "auth.sign_in.password_accepted" in actions
    assert "auth.sign_in.second_factor_accepted" in actions


def test_it_returns_to_the_page_asked_for_after_the_second_factor(world, client):
    caseworker = world[Role.CASEWORKER]
    client.post(
        f"{SIGN_IN}?next=/accounts/security/", {"username": caseworker.username, "password": TEST_PASSWORD}
    )
    response = client.post(TWO_FACTOR, {"code": code_now(caseworker)})
    assert response["Location"] == "/accounts/security/"


def test_it_ignores_a_next_address_on_another_site(world, client):
    caseworker = world[Role.CASEWORKER]
    client.post(
        f"{SIGN_IN}?next=https://elsewhere.example/",
        {"username": caseworker.username, "password": TEST_PASSWORD},
    )
    response = client.post(TWO_FACTOR, {"code": code_now(caseworker)})
    assert response["Location"] == reverse("site:home")


def test_it_rotates_the_session_key_at_sign_in(world, client):
    client.get(SIGN_IN)
    client.cookies["strom_session"] = "attacker-chosen-session-key"
    post_password(client, world[Role.CASEWORKER].username)
    assert client.cookies["strom_session"].value != "attacker-chosen-session-key"


def test_it_sends_someone_without_a_second_factor_to_enrolment(world, client):
    trainer = world[Role.TRAINER]
    TOTPDevice.objects.filter(user=trainer).delete()
    response = post_password(client, trainer.username)
    assert response["Location"] == reverse("accounts:two_factor_setup")
    page = client.get(reverse("accounts:two_factor_setup"))
    assert b"<svg" in page.content
    pending = TOTPDevice.objects.get(user=trainer, confirmed=False)

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "123456"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(user=trainer, confirmed=True).exists()

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # past the back-off after a mistake
        response = client.post(reverse("accounts:two_factor_setup"), {"code": f"{totp(pending.bin_key):06d}"})
        assert response["Location"] == reverse("accounts:backup_codes")
    codes_page = client.get(reverse("accounts:backup_codes"))
    assert len(codes_page.context["codes"]) == 10
    assert otp.remaining_backup_codes(trainer) == 10
    # The codes are shown once.
    assert client.get(reverse("accounts:backup_codes"))["Location"] == reverse("accounts:security")


@time_machine.travel("2026-11-23 09:00:00+00:00", tick=False)
def test_it_does_not_accept_the_same_authenticator_code_twice(world, client):
    caseworker = world[Role.CASEWORKER]
    code = code_now(caseworker)
    post_password(client, caseworker.username)
    assert client.post(TWO_FACTOR, {"code": code}).status_code == 302
    client.post(reverse("accounts:sign_out"))

    post_password(client, caseworker.username)
    response = client.post(TWO_FACTOR, {"code": code})
    assert response.status_code == 200
    assert "has been used already" in response.content.decode()
    assert client.get(reverse("site:home")).status_code == 302


def test_it_accepts_each_backup_code_once(world, client):
    caseworker = world[Role.CASEWORKER]
    code = otp.format_backup_code(otp.replace_backup_codes(caseworker)[0])
    post_password(client, caseworker.username)
    assert client.post(TWO_FACTOR, {"code": code.upper()}).status_code == 302
    assert otp.remaining_backup_codes(caseworker) == 9
    client.post(reverse("accounts:sign_out"))

    post_password(client, caseworker.username)
    assert client.post(TWO_FACTOR, {"code": code}).status_code == 200
    assert client.get(reverse("site:home")).status_code == 302


def test_it_slows_down_guessing_of_second_factor_codes(world, client):
    caseworker = world[Role.CASEWORKER]
    post_password(client, caseworker.username)
    real = code_now(caseworker)
    for guess in ["000001", "000002", "000003"]:
        if guess != real:
            client.post(TWO_FACTOR, {"code": guess})
    # django-otp now refuses even the right code until its back-off has passed.
    assert client.post(TWO_FACTOR, {"code": real}).status_code == 200
    failures = AuditEvent.objects.filter(action="auth.sign_in.second_factor_failed", actor=caseworker).count()
    assert failures >= 3


def test_it_gives_the_same_answer_for_unknown_locked_and_wrong_password(world, client):
    locked = world[Role.ANALYST]
    for _ in range(5):
        post_password(client, locked.username, "not-the-password")

    unknown = post_password(client, "nobody-by-this-name")
    locked_right_password = post_password(client, locked.username)
    wrong = post_password(client, world[Role.TRAINER].username, "not-the-password")

    assert unknown.status_code == locked_right_password.status_code == wrong.status_code == 200
    bodies = {
        normalised_body(unknown, "nobody-by-this-name"),
        normalised_body(locked_right_password, locked.username),
        normalised_body(wrong, world[Role.TRAINER].username),
    }
    assert len(bodies) == 1
    assert "The username or password is not right" in bodies.pop()


def test_it_locks_a_username_after_five_failures_and_lets_it_in_after_the_cool_off(world, client):
    analyst = world[Role.ANALYST]
    for _ in range(4):
        post_password(client, analyst.username, "not-the-password")
    assert post_password(client, analyst.username).status_code == 302  # four failures: not locked
    client.post(reverse("accounts:sign_out"))

    locked_at = timezone.now()
    for _ in range(5):
        post_password(client, analyst.username, "not-the-password")
    assert AuditEvent.objects.filter(action="auth.lockout").exists()
    # Another username is not affected.
    assert post_password(client, world[Role.TRAINER].username).status_code == 302
    client.post(reverse("accounts:sign_out"))

    with time_machine.travel(locked_at + timedelta(minutes=14)):
        assert post_password(client, analyst.username).status_code == 200
    # That try, made while locked, counted as a sixth failure: 30 minutes from it.
    with time_machine.travel(locked_at + timedelta(minutes=14 + 29)):
        assert post_password(client, analyst.username).status_code == 200
    with time_machine.travel(locked_at + timedelta(minutes=14 + 29 + 61)):
        assert post_password(client, analyst.username).status_code == 302


@pytest.mark.parametrize(
    ("failures", "minutes"), [(0, 15), (5, 15), (6, 30), (7, 60), (9, 240), (12, 1440), (40, 1440)]
)
def test_it_lengthens_the_lockout_with_each_further_failure(failures, minutes):
    assert cool_off_for(failures) == timedelta(minutes=minutes)


def test_it_logs_failures_without_the_password_or_an_unknown_username(world, client):
    post_password(client, "someone-typed-this", "a-secret-typed-by-mistake")
    event = AuditEvent.objects.get(action="auth.sign_in.failed")
    stored = f"{event.details} {event.object_id} {event.object_type}"
    assert "someone-typed-this" not in stored
    assert "a-secret-typed-by-mistake" not in stored
    assert event.details == {"known_account": False}


def test_it_ends_an_idle_session_after_thirty_minutes(world, signed_in):
    client = signed_in(world[Role.CASEWORKER])
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert client.get(reverse("site:home")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 31)):
        response = client.get(reverse("site:home"))
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
        assert "Your session ended" in client.get(SIGN_IN).content.decode()


def test_it_ends_a_busy_session_after_twelve_hours(world, signed_in):
    client = signed_in(world[Role.CASEWORKER])
    start = timezone.now()
    for step in range(1, 36):  # a request every 20 minutes, 11 h 40 min in all
        with time_machine.travel(start + timedelta(minutes=20 * step)):
            assert client.get(reverse("site:home")).status_code == 200, step
    with time_machine.travel(start + timedelta(hours=12, minutes=1)):
        assert client.get(reverse("site:home")).status_code == 302


def test_it_ends_every_session_when_the_user_signs_out_everywhere(world, signed_in):
    caseworker = world[Role.CASEWORKER]
    laptop, phone = signed_in(caseworker), signed_in(caseworker)
    laptop.post(reverse("accounts:sign_out_everywhere"))
    assert phone.get(reverse("site:home")).status_code == 302
    assert laptop.get(reverse("site:home")).status_code == 302


def test_it_ends_other_sessions_but_keeps_this_one_when_the_password_changes(world, signed_in):
    caseworker = world[Role.CASEWORKER]
    laptop, phone = signed_in(caseworker), signed_in(caseworker)
    new_password = "a-much-longer-new-pass-phrase"
    response = laptop.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("site:home")).status_code == 200
    assert phone.get(reverse("site:home")).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass", "too short"),
        ("password1234", "too common"),
        ("x" * 129, "too long"),
    ],
)
def test_it_refuses_weak_new_passwords_and_keeps_the_old_one(world, signed_in, password, message):
    caseworker = world[Role.CASEWORKER]
    client = signed_in(caseworker)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password(TEST_PASSWORD)


def test_it_hashes_passwords_with_argon2(world):
    assert world[Role.CASEWORKER].password.startswith("argon2$")


def test_it_ends_a_password_reset_at_the_second_factor(world, client, mailoutbox):
    caseworker = world[Role.CASEWORKER]
    response = client.post(reverse("accounts:password_reset"), {"email": caseworker.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mailoutbox[0].body).group(1)

    form_url = client.get(link)["Location"]
    new_password = "river-stones-and-quiet-light"
    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert client.get(reverse("site:home")).status_code == 302  # not signed in by the reset

    response = post_password(client, caseworker.username, new_password)
    assert response["Location"] == TWO_FACTOR


def test_it_answers_a_reset_for_an_unknown_address_the_same_way(db, client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.invalid"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def reset_link(client, user, mailoutbox) -> str:
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    return re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mailoutbox[-1].body).group(1)


def test_it_keeps_the_reset_secret_and_the_user_id_out_of_every_address_after_the_link(
    world, client, mailoutbox
):
    """Issue #7 item 9: Django keeps the user id in the address; Strom moves both into the session."""
    link = reset_link(client, world[Role.CASEWORKER], mailoutbox)
    uidb64, token = link.split("/")[-3:-1]
    response = client.get(link, follow=True)
    form_url = reverse("accounts:password_reset_confirm")
    assert [url for url, _status in response.redirect_chain] == [form_url]
    page = response.content.decode()
    assert 'name="new_password1"' in page and token not in page and uidb64 not in page
    new_password = "river-stones-and-quiet-light"
    response = client.post(
        form_url, {"new_password1": new_password, "new_password2": new_password}, follow=True
    )
    assert [url for url, _status in response.redirect_chain] == [reverse("accounts:password_reset_complete")]
    # The clean address works once, and only with the link in the session.
    assert 'name="new_password1"' not in client.get(form_url).content.decode()


def test_it_refuses_the_clean_reset_address_without_the_link_in_the_session(world, client, mailoutbox):
    caseworker = world[Role.CASEWORKER]
    client.get(reset_link(client, caseworker, mailoutbox))
    stranger = Client()
    form_url = reverse("accounts:password_reset_confirm")
    page = stranger.get(form_url).content.decode()
    assert "This link is not valid any more" in page and 'name="new_password1"' not in page
    stranger.post(
        form_url,
        {"new_password1": "river-stones-and-quiet-light", "new_password2": "river-stones-and-quiet-light"},
    )
    caseworker.refresh_from_db()
    assert caseworker.check_password(TEST_PASSWORD)


def test_it_shows_an_invalid_reset_link_without_a_form(world, client):
    page = client.get("/accounts/password/reset/bm9ib2R5/not-a-token/").content.decode()
    assert "This link is not valid any more" in page and 'name="new_password1"' not in page
