import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from strom.accounts.models import Invitation, Membership, Organisation, User
from strom.accounts.roles import Role
from strom.core.models import AuditEvent


def test_it_starts_a_new_installation_with_a_one_time_administrator_link(db, mailoutbox):
    out = StringIO()
    call_command(
        "invite_platform_admin",
        "operator@example.invalid",
        "--organisation",
        "Test Operations",
        "--country",
        "ee",
        stdout=out,
    )
    path = re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", out.getvalue()).group(1)
    assert mailoutbox == []  # handed over in person, never e-mailed
    invitation = Invitation.objects.get()
    assert invitation.role == Role.PLATFORM_ADMIN and invitation.invited_by is None
    assert invitation.organisation == Organisation.objects.get(name="Test Operations", country_id="EE")
    assert AuditEvent.objects.filter(action="accounts.invitation.created", actor=None).exists()

    client = Client()
    client.get(path)
    response = client.post(
        "/accounts/invitations/accept/",
        {
            "username": "first.admin",
            "first_name": "Ada",
            "last_name": "Testperson",
            "password1": "open-sea-under-a-wide-sky",
            "password2": "open-sea-under-a-wide-sky",
        },
    )
    assert response["Location"] == "/accounts/two-factor/setup/"
    admin = User.objects.get(username="first.admin")
    assert Membership.objects.get(user=admin).role == Role.PLATFORM_ADMIN


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["not-an-address", "--organisation", "X", "--country", "LV"], "not a valid e-mail"),
        (["a@example.invalid", "--organisation", "X", "--country", "XX"], "Unknown country code"),
    ],
)
def test_it_refuses_bad_input_and_creates_nothing(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("invite_platform_admin", *arguments)
    assert not Invitation.objects.exists()
    assert not Organisation.objects.filter(name="X").exists()
