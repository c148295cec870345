"""Fictional demo data of accounts: two countries, their municipalities, organisations of several kinds,
and one persona per role plus an outsider in another municipality. The other apps add theirs on top
(each declares its loader in its contributions.py; strom.core.demo loads them in dependency order).

Everything is derived from fixed seeds, so loading twice gives the same data, and a newcomer can sign
in through the real second-factor flow with the printed password and a backup code (or the current
code from `manage.py print_demo_code USERNAME`). Only ever loaded where STROM_DEMO_ENABLED is set.
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts import otp
from strom.accounts.models import Country, Membership, Municipality, Organisation, OrganisationArea, User
from strom.accounts.roles import Role

Kind = Organisation.Kind

COUNTRIES = {"LV": "Latvia", "EE": "Estonia", "LT": "Lithuania"}
# Priedkalne has no services yet: the coordinator can try an HSDS import into an empty directory.
MUNICIPALITIES = {
    "LV": ["Kalnupe", "Ezermala", "Priedkalne"],
    "EE": ["Metsavälja", "Rannaküla"],
    "LT": ["Pamiškė"],
}

# (name, kind, country, municipality or None for national level)
ORGANISATIONS = [
    ("Kalnupes novada pašvaldība", Kind.MUNICIPAL_ADMINISTRATION, "LV", "Kalnupe"),
    ("Kalnupes sociālais dienests", Kind.MUNICIPAL_SOCIAL_SERVICES, "LV", "Kalnupe"),
    ("Biedrība „Bākas gaisma”", Kind.NGO, "LV", "Kalnupe"),
    ("Valsts policijas Kalnupes iecirknis", Kind.POLICE, "LV", "Kalnupe"),
    ("Darba inspekcijas Kalnupes birojs", Kind.LABOUR_INSPECTORATE, "LV", "Kalnupe"),
    ("Kalnupes ģimenes veselības centrs", Kind.HEALTH, "LV", "Kalnupe"),
    ("Ezermalas novada pašvaldība", Kind.MUNICIPAL_ADMINISTRATION, "LV", "Ezermala"),
    ("Ezermalas sociālais dienests", Kind.MUNICIPAL_SOCIAL_SERVICES, "LV", "Ezermala"),
    ("Ezermalas bērnu tiesību aizsardzības nodaļa", Kind.CHILD_PROTECTION, "LV", "Ezermala"),
    ("Priedkalnes novada pašvaldība", Kind.MUNICIPAL_ADMINISTRATION, "LV", "Priedkalne"),
    ("Cilvēku tirdzniecības novēršanas koordinācijas birojs (demo)", Kind.OTHER, "LV", None),
    # National authorities (fictional names) that decide what a municipality cannot: identification, a stay.
    ("Noziegumu izmeklēšanas dienests (demo)", Kind.POLICE, "LV", None),
    ("Migrācijas dienests (demo)", Kind.MIGRATION, "LV", None),
    ("Robežapsardzības dienests (demo)", Kind.BORDER_GUARD, "LV", None),
    ("Prokuratūras birojs (demo)", Kind.PROSECUTION, "LV", None),
    ("Metsavälja valla sotsiaalosakond", Kind.MUNICIPAL_SOCIAL_SERVICES, "EE", "Metsavälja"),
    ("Metsavälja Vallavalitsus", Kind.MUNICIPAL_ADMINISTRATION, "EE", "Metsavälja"),
    ("MTÜ Sadamatuli", Kind.NGO, "EE", "Rannaküla"),
    ("Rannaküla valla sotsiaalosakond", Kind.MUNICIPAL_SOCIAL_SERVICES, "EE", "Rannaküla"),
    ("Töötukassa Rannaküla büroo", Kind.EMPLOYMENT_SERVICE, "EE", "Rannaküla"),
    ("Riiklik ohvriabikeskus (demo)", Kind.STATE_VICTIM_SUPPORT, "EE", None),
    ("Migratsiooniamet (demo)", Kind.MIGRATION, "EE", None),
    ("Piirivalveteenistus (demo)", Kind.BORDER_GUARD, "EE", None),
    ("Prokuratuuri büroo (demo)", Kind.PROSECUTION, "EE", None),
    ("Pamiškės savivaldybės administracija", Kind.MUNICIPAL_ADMINISTRATION, "LT", "Pamiškė"),
    ("Pamiškės socialinių paslaugų centras", Kind.MUNICIPAL_SOCIAL_SERVICES, "LT", "Pamiškė"),
    ("Pamiškės vaikų dienos centras", Kind.CHILD_PROTECTION, "LT", "Pamiškė"),
    ("Asociacija „Kryžkelių šviesa“", Kind.NGO, "LT", "Pamiškė"),
    ("Kriminalinės policijos tarnyba (demo)", Kind.POLICE, "LT", None),
    ("Strom Platform Operations (demo)", Kind.OTHER, "LV", None),
]


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    password: str
    role: str
    organisation: str
    language: str = "en"

    @property
    def totp_key(self) -> str:
        return hashlib.sha1(f"strom-demo-totp:{self.username}".encode()).hexdigest()  # noqa: S324

    @property
    def backup_codes(self) -> list[str]:
        codes = []
        for index in range(10):
            digest = hashlib.sha256(f"strom-demo-backup:{self.username}:{index}".encode()).digest()
            codes.append("".join(otp.BACKUP_ALPHABET[b % len(otp.BACKUP_ALPHABET)] for b in digest[:10]))
        return codes


PERSONAS = [
    Persona(
        "coordinator",
        "Laura",
        "Kalniņa",
        "amber-harbour-lantern",
        Role.COORDINATOR,
        "Kalnupes novada pašvaldība",
    ),
    Persona(
        "caseworker", "Marta", "Liepa", "quiet-river-compass", Role.CASEWORKER, "Kalnupes sociālais dienests"
    ),
    Persona(
        "provider",
        "Juris",
        "Bērziņš",
        "silver-meadow-bridge",
        Role.SERVICE_PROVIDER,
        "Biedrība „Bākas gaisma”",
    ),
    Persona("trainer", "Elīna", "Vītola", "copper-forest-window", Role.TRAINER, "Biedrība „Bākas gaisma”"),
    Persona(
        "analyst",
        "Kārlis",
        "Egle",
        "northern-garden-violin",
        Role.ANALYST,
        "Kalnupes novada pašvaldība",
    ),
    Persona(
        "national",
        "Ieva",
        "Priede",
        "granite-island-beacon",
        Role.NATIONAL_COORDINATOR,
        "Cilvēku tirdzniecības novēršanas koordinācijas birojs (demo)",
    ),
    Persona(
        "admin",
        "Oskars",
        "Lapiņš",
        "velvet-orbit-harvest",
        Role.PLATFORM_ADMIN,
        "Strom Platform Operations (demo)",
    ),
    Persona(
        "outsider",
        "Kadri",
        "Tamm",
        "distant-birch-meadow",
        Role.COORDINATOR,
        "Metsavälja valla sotsiaalosakond",
        language="et",
    ),
]


# The demo coordinator also coordinates Priedkalne, the municipality without services.
EXTRA_SEATS = {"coordinator": ["Priedkalnes novada pašvaldība"]}

# Where organisations may list services beyond their own municipality (issue 7):
# (organisation, municipality or None, country for a national appointment, granted by).
AREAS = [
    ("Ezermalas bērnu tiesību aizsardzības nodaļa", "Kalnupe", None, "coordinator"),
    ("Biedrība „Bākas gaisma”", None, "LV", "national"),
    # Estonia and Lithuania have no national coordinator among the personas: the administrator
    # recorded their national appointments.
    ("MTÜ Sadamatuli", None, "EE", "admin"),
    ("Asociacija „Kryžkelių šviesa“", None, "LT", "admin"),
    # The national authorities take part in every municipality of their country (issue 10).
    ("Noziegumu izmeklēšanas dienests (demo)", None, "LV", "national"),
    ("Migrācijas dienests (demo)", None, "LV", "national"),
    ("Robežapsardzības dienests (demo)", None, "LV", "national"),
    ("Prokuratūras birojs (demo)", None, "LV", "national"),
    ("Riiklik ohvriabikeskus (demo)", None, "EE", "admin"),
    ("Migratsiooniamet (demo)", None, "EE", "admin"),
    ("Piirivalveteenistus (demo)", None, "EE", "admin"),
    ("Prokuratuuri büroo (demo)", None, "EE", "admin"),
    ("Kriminalinės policijos tarnyba (demo)", None, "LT", "admin"),
]


def _ensure_persona(persona: Persona, organisation: Organisation, extra_seats=()) -> bool:
    changed = False
    user = User.objects.filter(username=persona.username).first()
    if user is None:
        user = User(username=persona.username)
        changed = True
    fields = {
        "first_name": persona.first_name,
        "last_name": persona.last_name,
        "email": f"{persona.username}@demo.invalid",
        "preferred_language": persona.language,
        "is_active": True,
    }
    for name, value in fields.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if not user.password or not user.check_password(persona.password):
        user.set_password(persona.password)
        changed = True
    if changed:
        user.save()
    for seat in (organisation, *extra_seats):
        if not Membership.objects.active().filter(user=user, organisation=seat, role=persona.role).exists():
            Membership.objects.create(user=user, organisation=seat, role=persona.role)
            changed = True
    device = TOTPDevice.objects.filter(user=user, name=otp.TOTP_DEVICE_NAME).first()
    if device is None or device.key != persona.totp_key or not device.confirmed:
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=otp.TOTP_DEVICE_NAME, key=persona.totp_key, confirmed=True)
        changed = True
    backup = StaticDevice.objects.filter(user=user, name=otp.BACKUP_DEVICE_NAME).first()
    stored = sorted(backup.token_set.values_list("token", flat=True)) if backup else []
    if stored != sorted(persona.backup_codes):
        otp.replace_backup_codes(user, persona.backup_codes)
        changed = True
    return changed


def _grant_areas(organisations: dict, municipalities: dict) -> bool:
    changed = False
    for org_name, municipality, country, granted_by in AREAS:
        _, created = OrganisationArea.objects.get_or_create(
            organisation=organisations[org_name],
            municipality=municipalities.get(municipality),
            country_id=country,
            revoked_at=None,
            defaults={"granted_by": User.objects.get(username=granted_by)},
        )
        changed |= created
    return changed


@transaction.atomic
def load_accounts_demo(demo: dict) -> bool:
    """Create or restore the places, organisations and personas, and hand the organisations and
    municipalities (by name) to the loaders that follow. Returns whether anything changed."""
    changed = False
    for code, name in COUNTRIES.items():
        _, created = Country.objects.update_or_create(code=code, defaults={"name": name})
        changed |= created
    municipalities = {}
    for code, names in MUNICIPALITIES.items():
        for name in names:
            municipality, created = Municipality.objects.get_or_create(country_id=code, name=name)
            municipalities[name] = municipality
            changed |= created
    organisations = {}
    for name, kind, country, municipality in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            country_id=country,
            name=name,
            defaults={"kind": kind, "municipality": municipalities.get(municipality)},
        )
        organisations[name] = organisation
        changed |= created
    for persona in PERSONAS:
        extra = [organisations[name] for name in EXTRA_SEATS.get(persona.username, [])]
        changed |= _ensure_persona(persona, organisations[persona.organisation], extra)
    changed |= _grant_areas(organisations, municipalities)
    demo["organisations"] = organisations
    demo["municipalities"] = municipalities
    return changed
