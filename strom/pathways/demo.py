"""Fictional referral mechanisms for the demo municipalities.

Each municipality with organisations gets the adults' pathway from the template, published, with
agreements between its partners: one of them ends within a month (so the worker sends the expiry
reminder and the health check warns), and one step has no backup (so the health check has a problem
to show). All names and phone numbers are made up. Loading twice changes nothing.
"""

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import Organisation, User
from strom.pathways import actions
from strom.pathways.blueprints import ADULTS
from strom.pathways.models import Agreement, NationalMechanism, Pathway, PathwayVersion, Step
from strom.pathways.structure import from_draft, to_snapshot

# Where a template names a kind the municipality lacks, the demo gives the step to this kind instead.
STAND_INS = [
    Organisation.Kind.MUNICIPAL_SOCIAL_SERVICES,
    Organisation.Kind.NGO,
    Organisation.Kind.MUNICIPAL_ADMINISTRATION,
]
# The step that stays without a backup, for the health check to find.
NO_BACKUP_STEP = _("Vocational training and help finding work")
# A municipality's pathway is written in its country's language, as its coordinator would write it.
LANGUAGE_OF = {"LV": "lv", "EE": "et", "LT": "lt"}

MECHANISMS = {
    "LV": {
        "focal_point": "Cilvēku tirdzniecības novēršanas koordinācijas birojs (demo)",
        "phone": "+371 6700 0000",
        "email": "nrm@demo.invalid",
        "available_24_7": False,
        "transnational_contact": "Koordinācijas biroja starptautiskās sadarbības nodaļa (demo)",
        "transnational_phone": "+371 6700 0001",
    },
    "EE": {
        "focal_point": "Riiklik ohvriabi koordineerimine (demo)",
        "phone": "+372 600 0000",
        "email": "nrm@demo.invalid",
        "available_24_7": True,
        "transnational_contact": "Piiriülese suunamise kontaktpunkt (demo)",
        "transnational_phone": "+372 600 0001",
    },
}

# The demo's publishing coordinator per country.
PUBLISHERS = {"LV": "coordinator", "EE": "outsider"}


def _phone(country: str, municipality_index: int, step_index: int) -> str:
    prefix = "+371 6" if country == "LV" else "+372 6"
    return f"{prefix}{municipality_index + 1}0 00{step_index:02d}"


def _assign_stand_ins(pathway: Pathway, finder) -> None:
    fallback = next((o for kind in STAND_INS if (o := finder.of_kind(kind)) is not None), None)
    admin = finder.of_kind(Organisation.Kind.MUNICIPAL_ADMINISTRATION) or fallback
    for step in Step.objects.filter(stage__pathway=pathway):
        if step.decision:
            continue  # the state decides: a municipal stand-in would be wrong (demo national authorities)
        if step.responsible_id is None:
            step.responsible = fallback
        if step.backup_id is None or step.backup_id == step.responsible_id:
            step.backup = admin if admin != step.responsible else finder.of_kind(Organisation.Kind.NGO)
        if step.title == str(NO_BACKUP_STEP):
            step.backup = None
        step.save()


def _contacts(pathway: Pathway, country: str, index: int) -> None:
    for number, step in enumerate(
        Step.objects.filter(stage__pathway=pathway).order_by("stage__phase", "position")
    ):
        step.contact_phone = _phone(country, index, number + 1)
        step.contact_reachable_24_7 = step.requires_24_7
        step.save(update_fields=["contact_phone", "contact_reachable_24_7"])


def _agreements(pathway: Pathway, finder) -> None:
    today = timezone.localdate()
    steps = list(Step.objects.filter(stage__pathway=pathway).select_related("responsible"))
    partners = {step.responsible for step in steps if step.responsible} | {
        o for o in (finder.of_kind(Organisation.Kind.MUNICIPAL_ADMINISTRATION),) if o
    }
    shelter_steps = [s for s in steps if s.requires_24_7]
    memorandum = Agreement.objects.create(
        municipality=pathway.municipality,
        title=str(_("%(municipality)s memorandum of cooperation against trafficking"))
        % {"municipality": pathway.municipality.name},
        status=Agreement.Status.ACTIVE,
        signed_on=today - timedelta(days=300),
        valid_from=today - timedelta(days=300),
        valid_until=today + timedelta(days=430),
    )
    memorandum.parties.set(partners)
    memorandum.steps.set([s for s in steps if s not in shelter_steps])
    if len(partners) >= 2 and shelter_steps:
        night = Agreement.objects.create(
            municipality=pathway.municipality,
            title=str(_("%(municipality)s agreement on emergency help at night"))
            % {"municipality": pathway.municipality.name},
            status=Agreement.Status.ACTIVE,
            signed_on=today - timedelta(days=700),
            valid_from=today - timedelta(days=700),
            valid_until=today + timedelta(days=25),
        )
        night.parties.set(
            {s.responsible for s in shelter_steps}
            | {finder.of_kind(Organisation.Kind.MUNICIPAL_ADMINISTRATION)} - {None}
        )
        night.steps.set(shelter_steps)


def load_pathways_demo(organisations: dict, municipalities: dict) -> bool:
    changed = False
    for code, values in MECHANISMS.items():
        _mechanism, created = NationalMechanism.objects.get_or_create(country_id=code, defaults=values)
        changed |= created
    used = {o.municipality_id for o in organisations.values() if o.municipality_id}
    needs = actions.needs_by_code()
    for index, municipality in enumerate(m for m in municipalities.values() if m.pk in used):
        if Pathway.objects.filter(municipality=municipality, audience=ADULTS.audience).exists():
            continue
        if municipality.country_id not in PUBLISHERS:
            continue  # no persona coordinates there (Lithuania): its directory is shown, not a pathway
        finder = actions.OrganisationFinder(municipality)
        if sum(1 for o in finder.partners if o.municipality_id == municipality.pk) < 2:
            continue  # a municipality without local partners (Priedkalne) is left to start from scratch
        with translation.override(LANGUAGE_OF[municipality.country_id]):
            _publish_pathway(municipality, index, finder, needs)
        changed = True
    return changed


def _publish_pathway(municipality, index: int, finder, needs) -> None:
    pathway = Pathway.objects.create(
        municipality=municipality,
        audience=ADULTS.audience,
        title=str(ADULTS.title),
        language=LANGUAGE_OF[municipality.country_id],
    )
    actions.fill_from_blueprint(pathway, ADULTS, finder, needs, actions.rules_of(municipality.country_id))
    _assign_stand_ins(pathway, finder)
    _contacts(pathway, municipality.country_id, index)
    _agreements(pathway, finder)
    PathwayVersion.objects.create(
        pathway=pathway,
        number=1,
        published_by=User.objects.get(username=PUBLISHERS[municipality.country_id]),
        note=str(_("First version, agreed at the demo roundtable")),
        snapshot=to_snapshot(from_draft(pathway)),
    )
