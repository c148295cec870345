import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strom.accounts.models import Invitation, Membership, User
from strom.accounts.roles import Role
from strom.core.models import AuditEvent


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invitation form. The test runs inside a transaction that never commits, so the
    after-commit work (the e-mail task) is run as a real commit would run it."""

    def send(client, organisation, role="caseworker", email="new.colleague@example.invalid"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("accounts:members", args=[organisation.pk]),
                {"organisation": str(organisation.pk), "role": role, "email": email},
            )

    return send


ACCEPT = "/accounts/invitations/accept/"


def follow_link(client, mail):
    """Open the e-mailed link: it moves its secret into the session and redirects to the accept page."""
    response = client.get(link_in(mail))
    assert response.status_code == 302 and response["Location"] == ACCEPT
    return client


def link_in(mail) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", mail.body).group(1)


REGISTRATION = {
    "username": "new.colleague",
    "first_name": "Nora",
    "last_name": "Testperson",
    "password1": "lanterns-over-the-quiet-bay",
    "password2": "lanterns-over-the-quiet-bay",
}


def test_it_lets_a_coordinator_invite_a_colleague_who_then_sets_up_a_second_factor(
    world, signed_in, client, mailoutbox, invite
):
    coordinator = signed_in(world[Role.COORDINATOR])
    response = invite(coordinator, world.municipal)
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.colleague@example.invalid"]
    link = link_in(mailoutbox[0])
    invitation = Invitation.objects.get()
    assert link.split("/")[-2] not in invitation.token_digest  # only a digest is stored

    page = follow_link(client, mailoutbox[0]).get(ACCEPT)
    assert world.municipal.name in page.content.decode()
    assert link.split("/")[-2] not in page.content.decode()
    response = client.post(ACCEPT, REGISTRATION)
    assert response["Location"] == reverse("accounts:two_factor_setup")
    user = User.objects.get(username="new.colleague")
    assert user.email == "new.colleague@example.invalid"
    assert Membership.objects.get(user=user).organisation == world.municipal
    assert client.get(reverse("site:home"))["Location"].startswith(reverse("accounts:two_factor"))
    # The link works once.
    assert client.get(link).status_code == 404
    assert AuditEvent.objects.filter(
        action="accounts.invitation.accepted", organisation=world.municipal
    ).exists()


def test_it_refuses_a_weak_password_at_registration_and_creates_nothing(
    world, signed_in, client, mailoutbox, invite
):
    invite(signed_in(world[Role.COORDINATOR]), world.municipal)
    follow_link(client, mailoutbox[0])
    response = client.post(ACCEPT, {**REGISTRATION, "password1": "password", "password2": "password"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="new.colleague").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_it_refuses_a_taken_username(world, signed_in, client, mailoutbox, invite):
    invite(signed_in(world[Role.COORDINATOR]), world.municipal)
    response = follow_link(client, mailoutbox[0]).post(ACCEPT, {**REGISTRATION, "username": "CASEWORKER"})
    assert "This username is taken" in response.content.decode()


def test_it_adds_the_membership_to_an_existing_account(world, signed_in, mailoutbox, invite):
    invite(
        signed_in(world[Role.COORDINATOR]), world.municipal, role="analyst", email="someone@example.invalid"
    )
    trainer = world[Role.TRAINER]
    response = follow_link(signed_in(trainer), mailoutbox[0]).post(ACCEPT)
    assert response.status_code == 302
    assert (
        Membership.objects.active()
        .filter(user=trainer, organisation=world.municipal, role="analyst")
        .exists()
    )


def test_it_lets_an_invitation_expire_after_seven_days(world, signed_in, client, mailoutbox, invite):
    invite(signed_in(world[Role.COORDINATOR]), world.municipal)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.get(link_in(mailoutbox[0]))
        assert response.status_code == 404
        assert "not valid" in response.content.decode()


def test_it_lets_the_coordinator_withdraw_an_invitation(world, signed_in, client, mailoutbox, invite):
    coordinator = signed_in(world[Role.COORDINATOR])
    invite(coordinator, world.municipal)
    invitation = Invitation.objects.get()
    coordinator.post(reverse("accounts:revoke_invitation", args=[invitation.pk]))
    assert client.get(link_in(mailoutbox[0])).status_code == 404


@pytest.mark.parametrize("person", ["outsider", Role.CASEWORKER, Role.ANALYST, Role.TRAINER])
def test_it_answers_404_to_people_who_may_not_invite_into_the_organisation(
    world, signed_in, person, mailoutbox, invite
):
    response = invite(signed_in(world[person]), world.municipal)
    assert response.status_code == 404
    assert not Invitation.objects.exists() and mailoutbox == []


def test_it_does_not_let_a_coordinator_appoint_a_platform_administrator(world, signed_in, mailoutbox, invite):
    response = invite(signed_in(world[Role.COORDINATOR]), world.municipal, role=Role.PLATFORM_ADMIN)
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_it_refuses_an_invalid_address_with_a_message_and_sends_nothing(world, signed_in, mailoutbox, invite):
    response = invite(signed_in(world[Role.COORDINATOR]), world.municipal, email="not an address")
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists() and mailoutbox == []


def test_it_answers_404_to_an_outsider_on_every_members_url(world, signed_in):
    outsider = signed_in(world["outsider"])
    membership = Membership.objects.get(user=world[Role.ANALYST])
    assert outsider.get(reverse("accounts:members", args=[world.municipal.pk])).status_code == 404
    assert outsider.post(reverse("accounts:end_membership", args=[membership.pk])).status_code == 404
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_it_lets_the_coordinator_end_a_membership_but_not_their_own(world, signed_in):
    coordinator = signed_in(world[Role.COORDINATOR])
    analyst = Membership.objects.get(user=world[Role.ANALYST])
    own = Membership.objects.get(user=world[Role.COORDINATOR])
    assert coordinator.post(reverse("accounts:end_membership", args=[analyst.pk])).status_code == 302
    assert coordinator.post(reverse("accounts:end_membership", args=[own.pk])).status_code == 404
    analyst.refresh_from_db()
    own.refresh_from_db()
    assert analyst.ended_at is not None and own.ended_at is None
    # The analyst now has no organisation, and the home page says so.
    assert signed_in(world[Role.ANALYST]).get(reverse("site:home")).context["sections"] == []


def test_it_keeps_the_members_page_to_a_fixed_number_of_queries(
    world, signed_in, django_assert_max_num_queries
):
    from tests.factories import make_member

    coordinator = signed_in(world[Role.COORDINATOR])
    url = reverse("accounts:members", args=[world.municipal.pk])
    with django_assert_max_num_queries(14):
        coordinator.get(url)
    for _ in range(20):
        make_member(world.municipal, Role.CASEWORKER)
    with django_assert_max_num_queries(14):
        assert coordinator.get(url).status_code == 200


def test_it_updates_only_the_members_table_for_htmx(world, signed_in):
    coordinator = signed_in(world[Role.COORDINATOR])
    analyst = Membership.objects.get(user=world[Role.ANALYST])
    response = coordinator.post(reverse("accounts:end_membership", args=[analyst.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section aria-labelledby="members-heading" id="members-section">')
    assert "<html" not in body
    assert "The membership has ended." in body
    assert world[Role.ANALYST].display_name not in body


def test_it_updates_only_the_invitation_list_for_htmx(world, signed_in, invite):
    coordinator = signed_in(world[Role.COORDINATOR])
    invite(coordinator, world.municipal)
    invitation = Invitation.objects.get()
    response = coordinator.post(
        reverse("accounts:revoke_invitation", args=[invitation.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'id="invitations-section"' in body and "<html" not in body
    assert "No open invitations." in body
    assert invitation.email not in body


def test_it_keeps_the_secret_out_of_every_address_after_the_link(
    world, signed_in, client, mailoutbox, invite
):
    """Issue #7 item 9: the secret is in the first request only; access logs, history and Referer
    headers of every later request never see it."""
    invite(signed_in(world[Role.COORDINATOR]), world.municipal)
    link = link_in(mailoutbox[0])
    secret = link.split("/")[-2]
    response = client.get(link, follow=True)
    assert response.status_code == 200 and response.request["PATH_INFO"] == ACCEPT
    assert [url for url, _status in response.redirect_chain] == [ACCEPT]
    assert secret not in response.content.decode()
    response = client.post(ACCEPT, REGISTRATION, follow=True)
    assert all(secret not in url for url, _status in response.redirect_chain)
    assert secret not in response.content.decode()


def test_it_refuses_the_clean_address_without_the_link_in_the_session(
    world, signed_in, client, mailoutbox, invite
):
    invite(signed_in(world[Role.COORDINATOR]), world.municipal)
    follow_link(client, mailoutbox[0])
    stranger = Client()
    response = stranger.get(ACCEPT)
    assert response.status_code == 404 and "not valid" in response.content.decode()
    assert stranger.post(ACCEPT, REGISTRATION).status_code == 404
    assert not User.objects.filter(username=REGISTRATION["username"]).exists()
