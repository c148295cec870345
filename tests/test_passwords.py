"""security.md 4 and issue #7 item 8: guessable passwords are refused with advice, wherever a password
is set (registration from an invitation, password change, password reset)."""

import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse

from strom.accounts.models import User
from strom.accounts.roles import Role
from strom.accounts.validators import StrengthValidator
from tests.factories import TEST_PASSWORD
from tests.test_invitations import ACCEPT, REGISTRATION, follow_link

ADVICE = "Use a longer phrase of unrelated words"
GOOD = "lanterns-over-the-quiet-bay"


def refusal(password: str, user) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(password, user)
    return refused.value.messages


@pytest.mark.parametrize(
    ("password", "hint"),
    [
        ("aaaaaaaaaaaa", "Avoid repeated characters"),
        ("caseworkercaseworker", "Avoid repeated characters"),  # the username twice
        ("iloveyou1234", "Avoid common passwords"),
        ("iloveyou12345", "Avoid common passwords"),
        ("abcdefghijklmnop", "Avoid sequences"),
        ("qwertyuiopasdf", "Avoid common passwords"),
        ("marta.ozolina-test", "Do not use your username, your name or your e-mail address"),
        ("ozolinamarta-test", "Do not use your username, your name or your e-mail address"),
    ],
)
def test_it_refuses_guessable_passwords_with_advice(db, password, hint):
    user = User(
        username="caseworker", first_name="Marta", last_name="Ozolina", email="marta.ozolina@example.invalid"
    )
    messages = refusal(password, user)
    assert any(ADVICE in message for message in messages)
    assert any(hint in message for message in messages)


@pytest.mark.parametrize("password", [GOOD, "river-stones-and-quiet-light", "Kettle orbit violin paperclip"])
def test_it_accepts_a_passphrase_of_unrelated_words(db, password):
    user = User(
        username="caseworker", first_name="Marta", last_name="Ozolina", email="marta.ozolina@example.invalid"
    )
    password_validation.validate_password(password, user)


def test_it_uses_the_email_address_as_something_an_attacker_knows(db):
    user = User(username="m.o", email="marta.ozolina-test@example.invalid")
    assert any("e-mail address" in message for message in refusal("marta.ozolina-test", user))
    password_validation.validate_password("marta.ozolina-test", User(username="someone.else"))


def test_it_leaves_overlong_passwords_to_the_length_rule_without_estimating_them(db):
    StrengthValidator().validate("a" * 129)  # zxcvbn is not asked: the maximum-length rule refuses it
    assert any("too long" in message for message in refusal("a" * 129, None))


def test_it_tells_people_how_to_choose_in_the_help_text():
    assert ADVICE in " ".join(password_validation.password_validators_help_texts())


def test_it_refuses_a_guessable_password_when_changing_it(world, signed_in):
    caseworker = world[Role.CASEWORKER]
    response = signed_in(caseworker).post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "iloveyou1234", "new_password2": "iloveyou1234"},
    )
    assert response.status_code == 200 and ADVICE in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password(TEST_PASSWORD)


def test_it_refuses_a_guessable_password_at_a_reset(world, client, mailoutbox):
    caseworker = world[Role.CASEWORKER]
    client.post(reverse("accounts:password_reset"), {"email": caseworker.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    weak = "caseworkercaseworker"
    response = client.post(form_url, {"new_password1": weak, "new_password2": weak})
    assert response.status_code == 200 and ADVICE in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password(TEST_PASSWORD)


@pytest.fixture
def invited(world, signed_in, client, mailoutbox, django_capture_on_commit_callbacks):
    """An anonymous client that has opened the invitation sent to marta.ozolina@example.invalid."""
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world[Role.COORDINATOR]).post(
            reverse("accounts:members", args=[world.municipal.pk]),
            {
                "organisation": str(world.municipal.pk),
                "role": "caseworker",
                "email": "marta.ozolina@example.invalid",
            },
        )
    return follow_link(client, mailoutbox[0])


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "new.colleaguenew.colleague", "marta.ozolina1"])
def test_it_refuses_a_guessable_password_at_registration(invited, weak):
    response = invited.post(ACCEPT, {**REGISTRATION, "password1": weak, "password2": weak})
    assert response.status_code == 200 and ADVICE in response.content.decode()
    assert not User.objects.filter(username=REGISTRATION["username"]).exists()


def test_it_accepts_a_passphrase_at_registration(invited):
    response = invited.post(ACCEPT, REGISTRATION)
    assert response["Location"] == reverse("accounts:two_factor_setup")
