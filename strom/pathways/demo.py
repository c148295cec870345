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
from strom.pathways import actions, queries
from strom.pathways.blueprints import ADULTS
from strom.pathways.country_rules import LANGUAGE_OF_COUNTRY
from strom.pathways.models import Agreement, NationalMechanism, Pathway, PathwayVersion, ReflectionFor, Step
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
LANGUAGE_OF = LANGUAGE_OF_COUNTRY

# Each country's rules with their sources (docs/pathways.md, "Country rules", lists them). A rule the
# demo could not check against its source stays unticked ("not yet checked against the source"): its
# source names the law to read. Contact numbers are made up; 112 is the real emergency number.
COE_TREATY_OFFICE = (
    "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=197"
)
US_TIP_2019_ESTONIA = "https://www.state.gov/reports/2019-trafficking-in-persons-report-2/estonia/"
MECHANISMS = {
    "LV": {
        "focal_point": "Cilvēku tirdzniecības novēršanas koordinācijas birojs (demo)",
        "phone": "+371 6700 0000",
        "email": "nrm@demo.invalid",
        "available_24_7": False,
        "transnational_contact": "Koordinācijas biroja starptautiskās sadarbības nodaļa (demo)",
        "transnational_phone": "+371 6700 0001",
        "emergency_number": "112",
        "hotline_name": "Cilvēku tirdzniecības uzticības tālrunis (demo)",
        "hotline_phone": "+371 6700 0002",
        "identifying_authority": (
            "Valsts policija, prokurors vai tiesa, vai pilnvaroto organizāciju speciālistu komisija"
        ),
        "identifying_kind": Organisation.Kind.POLICE,
        "identification_source": (
            "Ministru kabineta noteikumi Nr. 344 par sociālās rehabilitācijas pakalpojumiem cilvēku "
            "tirdzniecības upuriem un kritērijiem personas atzīšanai par upuri"
        ),
        "identification_verified": False,
        "reflection_days": 30,
        "reflection_for": ReflectionFor.NON_EU_NATIONALS,
        "reflection_start": "atzīšana par cilvēku tirdzniecības upuri",
        "reflection_granted_by": "Pilsonības un migrācijas lietu pārvalde",
        "reflection_source": (
            "Imigrācijas likums (trešo valstu pilsoņi, kas atzīti par cilvēku tirdzniecības upuriem); "
            "Eiropas Padomes konvencija CETS 197, 13. pants (vismaz 30 dienas)"
        ),
        "reflection_verified": False,
        "programme_name": "Valsts apmaksāta sociālā rehabilitācija cilvēku tirdzniecības upuriem",
        "programme_days": 180,
        "programme_source": "Biedrība „Marta”: https://marta.lv/en/marta-in-action/human-trafficking/",
        "programme_verified": True,
        "bound_by_directive": True,
        "bound_by_convention": True,
        "instruments_source": f"ES dalībvalsts kopš 2004. gada; CETS 197 dalībvalsts: {COE_TREATY_OFFICE}",
        "instruments_verified": True,
    },
    "EE": {
        "focal_point": "Riiklik ohvriabi koordineerimine (demo)",
        "phone": "+372 600 0000",
        "email": "nrm@demo.invalid",
        "available_24_7": True,
        "transnational_contact": "Piiriülese suunamise kontaktpunkt (demo)",
        "transnational_phone": "+372 600 0001",
        "emergency_number": "112",
        "hotline_name": "Inimkaubanduse nõuandeliin (demo)",
        "hotline_phone": "+372 600 0002",
        "identifying_authority": (
            "Sotsiaalkindlustusamet: teised asutused ja organisatsioonid teatavad talle oletatavast ohvrist"
        ),
        "identifying_kind": Organisation.Kind.STATE_VICTIM_SUPPORT,
        "identification_source": f"USA välisministeeriumi inimkaubanduse aruanne 2019: {US_TIP_2019_ESTONIA}",
        "identification_verified": True,
        "reflection_days": 30,
        "reflection_for": ReflectionFor.NON_EU_NATIONALS,
        "reflection_start": "põhjendatud alus arvata, et isik on inimkaubanduse ohver",
        "reflection_granted_by": "Politsei- ja Piirivalveamet",
        "reflection_source": (
            "Välismaalaste seadus; ohvriabi seadus; Euroopa Nõukogu konventsioon CETS 197, art 13 "
            "(vähemalt 30 päeva)"
        ),
        "reflection_verified": False,
        "programme_name": "Ohvriabiteenused inimkaubanduse ohvritele (Sotsiaalkindlustusamet)",
        "programme_days": None,  # no time limit for victims in criminal proceedings
        "programme_presumed_days": 60,
        "programme_source": f"USA välisministeeriumi inimkaubanduse aruanne 2019: {US_TIP_2019_ESTONIA}",
        "programme_verified": True,
        "bound_by_directive": True,
        "bound_by_convention": True,
        "instruments_source": f"EL liikmesriik alates 2004. aastast; CETS 197 osaline: {COE_TREATY_OFFICE}",
        "instruments_verified": True,
    },
    "LT": {
        "focal_point": "Prekybos žmonėmis prevencijos koordinavimo centras (demo)",
        "phone": "+370 5200 0000",
        "email": "nrm@demo.invalid",
        "available_24_7": False,
        "transnational_contact": "Tarptautinio bendradarbiavimo skyrius (demo)",
        "transnational_phone": "+370 5200 0001",
        "emergency_number": "112",
        "hotline_name": "Pagalbos linija nukentėjusiems nuo prekybos žmonėmis (demo)",
        "hotline_phone": "+370 5200 0002",
        "identifying_authority": "Policija arba specializuotos nevyriausybinės organizacijos",
        "identifying_kind": Organisation.Kind.POLICE,
        "identification_source": (
            "Prekybos žmonėmis aukų nustatymo rekomendacijos; JAV Valstybės departamento 2022 m. "
            "prekybos žmonėmis ataskaita (Lietuva)"
        ),
        "identification_verified": False,
        "reflection_days": 30,
        "reflection_for": ReflectionFor.NON_EU_NATIONALS,
        "reflection_start": "pagrįstas pagrindas manyti, kad asmuo yra prekybos žmonėmis auka",
        "reflection_granted_by": "Migracijos departamentas",
        "reflection_source": (
            "Įstatymas dėl užsieniečių teisinės padėties; Europos Tarybos konvencija CETS 197, "
            "13 straipsnis (ne mažiau kaip 30 dienų)"
        ),
        "reflection_verified": False,
        "programme_name": "Valstybės finansuojama pagalba per specializuotas nevyriausybines organizacijas",
        "programme_source": (
            "Nusikalstamų veikų aukų pagalbos įstatymas (2021); JAV Valstybės departamento 2022 m. "
            "prekybos žmonėmis ataskaita (Lietuva)"
        ),
        "programme_verified": False,
        "bound_by_directive": True,
        "bound_by_convention": True,
        "instruments_source": f"ES valstybė narė nuo 2004 m.; CETS 197 šalis: {COE_TREATY_OFFICE}",
        "instruments_verified": True,
    },
}
# A rule's yes/no answers belong to its source: loading into a database where the mechanism already
# exists sets them only where the source is still empty, so nothing a coordinator filled is changed.
ANSWERED_BY_SOURCE = {
    "identification_verified": "identification_source",
    "reflection_verified": "reflection_source",
    "programme_verified": "programme_source",
    "bound_by_directive": "instruments_source",
    "bound_by_convention": "instruments_source",
    "instruments_verified": "instruments_source",
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


def _load_mechanism(code: str, values: dict) -> bool:
    """Creates the country's mechanism, or fills in the rules an older demo (or nobody) left empty."""
    mechanism, created = NationalMechanism.objects.get_or_create(country_id=code, defaults=values)
    if created:
        return True
    empty_sources = {source for source in ANSWERED_BY_SOURCE.values() if not getattr(mechanism, source)}
    filled = []
    for name, value in values.items():
        current = getattr(mechanism, name)
        if name in ANSWERED_BY_SOURCE:
            empty = ANSWERED_BY_SOURCE[name] in empty_sources
        else:
            empty = current in (None, "")
        if empty and current != value:
            setattr(mechanism, name, value)
            filled.append(name)
    if filled:
        mechanism.save(update_fields=[*filled, "updated_at"])
    return bool(filled)


def load_pathways_demo(organisations: dict, municipalities: dict) -> bool:
    changed = False
    for code, values in MECHANISMS.items():
        changed |= _load_mechanism(code, values)
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
    actions.fill_from_blueprint(
        pathway, ADULTS, finder, needs, queries.national_mechanism_of(municipality.country_id)
    )
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
