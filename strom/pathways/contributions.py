"""What the local referral mechanism adds to the rest of Strom: its pages, its place in the navigation
and on the home page, its demo pathways and agreements, and the labels of its audit events."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from strom.accounts.roles import Perm
from strom.core.registry import AppContributions, NavEntry, Task, TaskEntry, UrlMount, audit_objects_from


def _pathway_tasks(access, organisation_id: str) -> list[Task]:
    perms = access.perms_in(organisation_id)
    if Perm.EDIT_PATHWAYS in perms:
        return [
            Task(
                _("Run the local referral mechanism"),
                _("Who does what when a victim is found, the health check, agreements and the card."),
                reverse("pathways:pathway_list"),
            )
        ]
    if Perm.VIEW_COUNTRY_PATHWAYS in perms:
        return [
            Task(
                _("See the municipalities' referral mechanisms"),
                _("Their chains of assistance, and the national referral mechanism's contacts."),
                reverse("pathways:pathway_list"),
            )
        ]
    seat = next((s for s in access.seats if s.organisation_id == organisation_id), None)
    if (
        seat is not None
        and seat.municipality_id
        and (Perm.READ_CASES in perms or Perm.RECEIVE_REFERRALS in perms)
    ):
        return [
            Task(
                _("Know who to call"),
                _("Your municipality's chain of assistance, stage by stage."),
                reverse("pathways:pathway_list"),
            )
        ]
    return []


def _sees_pathways(access) -> bool:
    return any(seat.municipality_id for seat in access.seats) or access.has_perm(Perm.VIEW_COUNTRY_PATHWAYS)


def _load_demo(demo: dict) -> bool:
    from strom.pathways.demo import load_pathways_demo

    return load_pathways_demo(demo["organisations"], demo["municipalities"])


def _send_due_reminders() -> None:
    # One demo agreement ends within a month: its reminder goes out as soon as the demo is loaded.
    from strom.pathways.tasks import send_agreement_reminders

    send_agreement_reminders()


def _url_walk_objects(world, canary: str) -> dict:
    """The adults' pathway of the test world's home municipality, published once, with an agreement
    (tests/test_url_walk.py)."""
    from datetime import timedelta

    from django.utils import timezone

    from strom.accounts.roles import Role
    from strom.directory.models import NeedTerm
    from strom.directory.taxonomy import sync_need_terms
    from strom.pathways import actions
    from strom.pathways.models import Agreement, Audience, Step

    sync_need_terms(NeedTerm)
    coordinator = world[Role.COORDINATOR]
    pathway = actions.do_create_pathway(
        actor=coordinator, municipality=world.municipal.municipality, audience=Audience.ADULTS
    )
    steps = list(Step.objects.filter(stage__pathway=pathway))
    agreement = Agreement.objects.create(
        municipality=world.municipal.municipality,
        title="Test memorandum",
        status=Agreement.Status.ACTIVE,
        valid_until=timezone.localdate() + timedelta(days=400),
    )
    agreement.parties.set([world.ngo, world.social, world.municipal])
    agreement.steps.set(steps)
    version = actions.do_publish_pathway(actor=coordinator, pathway=pathway, note="first")
    return {
        "pathway_id": pathway.pk,
        "stage_id": steps[0].stage_id,
        "step_id": steps[0].pk,
        "number": version.number,
        "agreement_id": agreement.pk,
    }


contributions = AppContributions(
    depends_on=("directory",),  # steps point at the need taxonomy; the demo lists the demo's services
    urls=(UrlMount("pathways/", "strom.pathways.urls"),),
    navigation=(NavEntry(20, _("Referral mechanism"), "pathways:pathway_list", _sees_pathways),),
    tasks=(TaskEntry(30, _pathway_tasks),),
    demo=_load_demo,
    after_demo=_send_due_reminders,
    url_walk_objects=_url_walk_objects,
    audit_objects=audit_objects_from(
        "strom.pathways.audit_objects",
        (
            "pathways.pathway",
            "pathways.step",
            "pathways.stage",
            "pathways.agreement",
            "pathways.nationalmechanism",
        ),
    ),
    audit_labels={
        "pathways.agreement.created": _("Cooperation agreement recorded"),
        "pathways.agreement.document_read": _("Signed agreement opened"),
        "pathways.agreement.reminder_sent": _("Reminder sent before an agreement ends"),
        "pathways.agreement.updated": _("Cooperation agreement changed"),
        "pathways.national_mechanism.created": _("National referral mechanism recorded"),
        "pathways.national_mechanism.updated": _("National referral mechanism changed"),
        "pathways.pathway.created": _("Pathway created"),
        "pathways.pathway.published": _("Pathway published"),
        "pathways.stage.updated": _("Stage note changed"),
        "pathways.step.created": _("Step added to a pathway"),
        "pathways.step.deleted": _("Step removed from a pathway"),
        "pathways.step.updated": _("Step changed"),
    },
)
