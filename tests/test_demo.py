import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.demo import PERSONAS
from strom.accounts.models import Country, Membership, Municipality, Organisation, User
from strom.accounts.roles import Role
from strom.directory.models import Location, Service
from strom.pathways.models import Agreement, PathwayVersion, Step


def snapshot():
    return {
        "countries": sorted(Country.objects.values_list("code", flat=True)),
        "municipalities": sorted(Municipality.objects.values_list("name", flat=True)),
        "organisations": sorted(Organisation.objects.values_list("name", "kind")),
        "users": sorted(User.objects.values_list("username", "password", "security_stamp")),
        "memberships": sorted(Membership.objects.values_list("user__username", "organisation__name", "role")),
        "totp": sorted(TOTPDevice.objects.values_list("user__username", "key")),
        "backup": sorted(StaticToken.objects.values_list("device__user__username", "token")),
        "services": sorted(
            Service.objects.values_list("name", "need_mask", "language_codes", "capacity_free")
        ),
        "locations": sorted(Location.objects.values_list("name", "is_confidential")),
        "pathways": sorted(PathwayVersion.objects.values_list("pathway__municipality__name", "number")),
        "agreements": sorted(Agreement.objects.values_list("title", "valid_until")),
    }


def test_it_loads_the_same_demo_twice(db):
    call_command("load_demo", "--quiet-personas")
    first = snapshot()
    call_command("load_demo", "--quiet-personas")
    assert snapshot() == first
    assert {"EE", "LT", "LV"} <= set(first["countries"])
    assert len(first["municipalities"]) == 6
    assert len(first["services"]) >= 10 and all(mask for _name, mask, *_ in first["services"])
    assert sum(confidential for _name, confidential in first["locations"]) >= 3


def test_it_gives_each_demo_municipality_with_partners_a_published_pathway_with_something_to_fix(db):
    from strom.pathways import queries
    from strom.pathways.models import Pathway

    call_command("load_demo", "--quiet-personas")
    pathways = Pathway.objects.select_related("municipality")
    assert sorted(p.municipality.name for p in pathways) == ["Ezermala", "Kalnupe", "Metsavälja", "Rannaküla"]
    for pathway in pathways:
        assert pathway.versions.count() == 1
        codes = {problem.code for problem in queries.health_of(pathway)}
        assert {"no_backup", "agreement_expiring"} <= codes, pathway.municipality.name
        assert Step.objects.filter(stage__pathway=pathway, responsible=None).count() == 0


def test_it_has_one_persona_per_role_and_an_outsider_elsewhere(db):
    call_command("load_demo", "--quiet-personas")
    roles = {persona.role for persona in PERSONAS}
    assert roles == set(Role.values)
    outsider = Membership.objects.get(user__username="outsider").organisation
    coordinator = Organisation.objects.get(
        name=next(p for p in PERSONAS if p.username == "coordinator").organisation
    )
    assert outsider.municipality != coordinator.municipality
    assert outsider.country != coordinator.country


def test_it_restores_used_backup_codes(db):
    call_command("load_demo", "--quiet-personas")
    StaticToken.objects.filter(device__user__username="coordinator").first().delete()
    call_command("load_demo", "--quiet-personas")
    assert StaticToken.objects.filter(device__user__username="coordinator").count() == 10


def test_it_gives_demo_personas_passwords_that_pass_the_rules(db):
    for persona in PERSONAS:
        validate_password(persona.password, User(username=persona.username, first_name=persona.first_name))


def test_it_prints_how_to_sign_in(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for persona in PERSONAS:
        assert persona.username in out and persona.password in out
    assert "sees the service directory and map of every municipality" in out  # what is shared
    assert "choose Priedkalne to try an HSDS import" in out


def test_it_prints_the_current_code_of_a_demo_persona(db, capsys):
    call_command("load_demo", "--quiet-personas")
    call_command("print_demo_code", "caseworker")
    device = TOTPDevice.objects.get(user__username="caseworker")
    assert capsys.readouterr().out.strip().splitlines()[-1] == f"{totp(device.bin_key):06d}"


def test_it_refuses_to_load_the_demo_where_it_is_switched_off(db, settings):
    settings.STROM_DEMO_ENABLED = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    with pytest.raises(CommandError):
        call_command("print_demo_code", "coordinator")
    assert not User.objects.exists()


def test_it_uses_only_fictional_addresses(db):
    call_command("load_demo", "--quiet-personas")
    assert all(email.endswith("@demo.invalid") for email in User.objects.values_list("email", flat=True))


def test_it_lets_the_demo_coordinator_import_into_the_empty_municipality(db, signed_in):
    from django.urls import reverse

    call_command("load_demo", "--quiet-personas")
    # Nothing is listed there yet (national services still serve it, and count in its gap analysis).
    assert not Service.objects.filter(municipality__name="Priedkalne").exists()
    page = signed_in(User.objects.get(username="coordinator")).get(reverse("directory:import_start"))
    choices = [label for _value, label in page.context["form"].fields["municipality"].choices]
    assert "Priedkalne" in choices and "Kalnupe" in choices


def test_it_lists_each_countrys_national_helpline_and_shelter_once_with_the_whole_country_as_area(db):
    from strom.directory.models import ServiceArea

    call_command("load_demo", "--quiet-personas")
    for country in ("LV", "EE", "LT"):
        national = Service.objects.filter(areas__country_id=country)
        helplines = national.filter(is_helpline=True)
        shelters = national.filter(needs__code="accommodation")
        assert helplines.count() == 1, country
        assert shelters.exists(), country
        # one listing each, not a copy per municipality
        for shelter in shelters:
            assert Service.objects.filter(name=shelter.name).count() == 1
    # Latvia's national shelters take both women and men, in separate houses.
    latvian = Service.objects.filter(areas__country_id="LV", needs__code="accommodation")
    assert latvian.filter(serves_women=True).exists() and latvian.filter(serves_men=True).exists()
    assert ServiceArea.objects.filter(municipality__isnull=False).exists()  # a multi-municipality service too
    assert Service.objects.filter(serves_children=True, municipality__country_id="LT").exists()
