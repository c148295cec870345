import pytest
from django.urls import reverse

from strom.accounts.models import Organisation
from strom.accounts.roles import CASE_DATA_PERMISSIONS, Perm, Role, permissions_for, roles_reaching_case_data
from strom.core.models import AuditEvent

PLATFORM_URLS = [
    "accounts:platform_organisations",
    "accounts:platform_organisation_new",
    "accounts:platform_users",
]


def test_it_lets_the_administrator_add_an_organisation(world, signed_in):
    admin = signed_in(world[Role.PLATFORM_ADMIN])
    municipality = world.municipal.municipality
    response = admin.post(
        reverse("accounts:platform_organisation_new"),
        {
            "name": "Testupe Health Centre",
            "kind": "health",
            "country": "LV",
            "municipality": str(municipality.pk),
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Testupe Health Centre")
    assert created.municipality == municipality
    assert AuditEvent.objects.filter(action="accounts.organisation.created", organisation=created).exists()


@pytest.mark.parametrize(
    "kind",
    [
        "border_guard",
        "embassy",
        "guardianship_authority",
        "trade_union",
        "employer",
        "international_organisation",
    ],
)
def test_it_records_the_partners_a_referral_mechanism_also_needs(world, signed_in, kind):
    """Border guards, consulates, orphan's courts, trade unions, employers and international
    organisations take part in identification and return: each can be recorded as what it is."""
    admin = signed_in(world[Role.PLATFORM_ADMIN])
    response = admin.post(
        reverse("accounts:platform_organisation_new"),
        {"name": f"Partner {kind}", "kind": kind, "country": "LV", "is_active": "on"},
    )
    assert response.status_code == 302
    assert (
        Organisation.objects.get(name=f"Partner {kind}").get_kind_display() == Organisation.Kind(kind).label
    )


def test_it_refuses_a_municipality_of_another_country_and_saves_nothing(world, signed_in):
    admin = signed_in(world[Role.PLATFORM_ADMIN])
    response = admin.post(
        reverse("accounts:platform_organisation_new"),
        {
            "name": "Misplaced Office",
            "kind": "ngo",
            "country": "LV",
            "municipality": str(world.other.municipality.pk),
        },
    )
    assert response.status_code == 200
    assert "This municipality is in another country." in response.content.decode()
    assert not Organisation.objects.filter(name="Misplaced Office").exists()


def test_it_refuses_a_duplicate_organisation_name_in_a_country(world, signed_in):
    admin = signed_in(world[Role.PLATFORM_ADMIN])
    response = admin.post(
        reverse("accounts:platform_organisation_new"),
        {"name": world.ngo.name, "kind": "ngo", "country": "LV", "municipality": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Organisation.objects.filter(name=world.ngo.name).count() == 1


def test_it_lets_the_administrator_deactivate_an_account_which_ends_its_sessions_at_once(world, signed_in):
    caseworker = world[Role.CASEWORKER]
    caseworker_client = signed_in(caseworker)
    assert caseworker_client.get(reverse("site:home")).status_code == 200

    admin = signed_in(world[Role.PLATFORM_ADMIN])
    admin.post(reverse("accounts:platform_user_status", args=[caseworker.pk]), {"active": "0"})
    caseworker.refresh_from_db()
    assert not caseworker.is_active
    assert caseworker_client.get(reverse("site:home")).status_code == 302
    event = AuditEvent.objects.get(action="accounts.user.deactivated")
    assert event.actor == world[Role.PLATFORM_ADMIN]


def test_it_does_not_let_the_administrator_deactivate_themselves(world, signed_in):
    admin_user = world[Role.PLATFORM_ADMIN]
    signed_in(admin_user).post(
        reverse("accounts:platform_user_status", args=[admin_user.pk]), {"active": "0"}
    )
    admin_user.refresh_from_db()
    assert admin_user.is_active


@pytest.mark.parametrize("person", [Role.COORDINATOR, Role.CASEWORKER, Role.NATIONAL_COORDINATOR, "outsider"])
def test_it_answers_404_on_platform_pages_to_everyone_else(world, signed_in, person):
    client = signed_in(world[person])
    for name in PLATFORM_URLS:
        assert client.get(reverse(name)).status_code == 404, name
    response = client.post(
        reverse("accounts:platform_user_status", args=[world[Role.TRAINER].pk]), {"active": "0"}
    )
    assert response.status_code == 404
    world[Role.TRAINER].refresh_from_db()
    assert world[Role.TRAINER].is_active


def test_it_keeps_administrators_away_from_case_data():
    assert not permissions_for(Role.PLATFORM_ADMIN) & CASE_DATA_PERMISSIONS
    assert Role.PLATFORM_ADMIN not in roles_reaching_case_data()


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            Role.COORDINATOR,
            {Perm.INVITE_MEMBERS, Perm.READ_CASES, Perm.VIEW_ORGANISATION_AUDIT},
            {Perm.MANAGE_PLATFORM},
        ),
        (Role.CASEWORKER, {Perm.READ_CASES, Perm.EDIT_CASES}, {Perm.INVITE_MEMBERS, Perm.MANAGE_PLATFORM}),
        (Role.SERVICE_PROVIDER, {Perm.RECEIVE_REFERRALS, Perm.EDIT_DIRECTORY}, {Perm.READ_CASES}),
        (Role.TRAINER, {Perm.RUN_TRAINING}, {Perm.READ_CASES, Perm.VIEW_STATISTICS}),
        (Role.ANALYST, {Perm.VIEW_STATISTICS}, {Perm.READ_CASES, Perm.INVITE_MEMBERS}),
        (Role.NATIONAL_COORDINATOR, {Perm.VIEW_NATIONAL_STATISTICS}, {Perm.READ_CASES}),
        (
            Role.PLATFORM_ADMIN,
            {Perm.MANAGE_PLATFORM, Perm.VIEW_PLATFORM_AUDIT},
            {Perm.READ_CASES, Perm.EDIT_CASES},
        ),
    ],
)
def test_it_defines_each_role_as_a_set_of_permissions(role, allowed, refused):
    assert allowed <= permissions_for(role)
    assert not refused & permissions_for(role)


def test_it_gives_every_role_a_permission_set():
    assert set(Role.values) == {str(role) for role in Role}
    for role in Role:
        assert permissions_for(role), role


def test_it_lets_the_administrator_add_a_municipality(world, signed_in):
    from strom.accounts.models import Municipality

    admin = signed_in(world[Role.PLATFORM_ADMIN])
    response = admin.post(reverse("accounts:platform_municipalities"), {"country": "EE", "name": "Uusküla"})
    assert response.status_code == 302
    assert Municipality.objects.filter(country_id="EE", name="Uusküla").exists()
    assert AuditEvent.objects.filter(action="accounts.municipality.created").exists()
    page = admin.get(reverse("accounts:platform_municipalities")).content.decode()
    assert "Uusküla" in page


def test_it_refuses_a_duplicate_municipality_and_adds_nothing(world, signed_in):
    from strom.accounts.models import Municipality

    admin = signed_in(world[Role.PLATFORM_ADMIN])
    existing = world.municipal.municipality
    response = admin.post(
        reverse("accounts:platform_municipalities"), {"country": existing.country_id, "name": existing.name}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Municipality.objects.filter(name=existing.name).count() == 1


def test_it_ships_the_baltic_sea_region_countries(db):
    from strom.accounts.models import Country

    assert {"DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE"} <= set(
        Country.objects.values_list("code", flat=True)
    )
