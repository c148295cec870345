"""The referral mechanism's objects as the audit trail names them (contributions' `audit_objects`).

Each resolver reads all of a page's objects of its kind in one query, through the same visibility
rules as the pages: a name only for what the viewer may see, a link only to a page they may open.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from strom.core.ids import uuids_among
from strom.core.registry import AuditObject, object_uuids
from strom.pathways import permissions as can
from strom.pathways import queries
from strom.pathways.models import NationalMechanism, Phase, Stage, Step


def _pathway_url(pathway_id) -> str:
    return reverse("pathways:pathway_detail", args=[pathway_id])


def pathways(access, events) -> dict[str, AuditObject]:
    visible = queries.pathways_visible_to(access).filter(pk__in=object_uuids(events))
    return {str(pk): AuditObject(title, _pathway_url(pk)) for pk, title in visible.values_list("id", "title")}


def steps(access, events) -> dict[str, AuditObject]:
    """A step by its title, linked to its form for the pathway's coordinators and to its pathway for
    everyone else; a step since removed by the pathway it was in (the trail keeps no titles)."""
    visible = queries.pathways_visible_to(access).values("pk")
    found = {}
    present = Step.objects.filter(pk__in=object_uuids(events), stage__pathway__in=visible)
    for step in present.select_related("stage__pathway").only(
        "id", "title", "stage__pathway__id", "stage__pathway__municipality_id"
    ):
        pathway = step.stage.pathway
        editable = can.can_edit_pathways_of(access, pathway.municipality_id)
        url = reverse("pathways:step_edit", args=[step.pk]) if editable else _pathway_url(pathway.pk)
        found[str(step.pk)] = AuditObject(step.title, url)
    removed = {e.object_id: e.details.get("pathway") for e in events if e.object_id not in found}
    titles = dict(
        queries.pathways_visible_to(access)
        .filter(pk__in=uuids_among(removed.values()))
        .values_list("id", "title")
    )
    titles = {str(pk): title for pk, title in titles.items()}
    for object_id, pathway_id in removed.items():
        if pathway_id in titles:
            name = _("A removed step of “%(pathway)s”") % {"pathway": titles[pathway_id]}
            found[object_id] = AuditObject(name, _pathway_url(pathway_id))
    return found


def stages(access, events) -> dict[str, AuditObject]:
    ids = object_uuids(events)
    found = {}
    visible = Stage.objects.filter(pk__in=ids, pathway__in=queries.pathways_visible_to(access).values("pk"))
    for stage in visible.select_related("pathway").only("id", "phase", "pathway__id", "pathway__title"):
        name = f"{Phase(stage.phase).label}: {stage.pathway.title}"
        found[str(stage.pk)] = AuditObject(name, f"{_pathway_url(stage.pathway_id)}#stage-{stage.phase}")
    return found


def agreements(access, events) -> dict[str, AuditObject]:
    ids = object_uuids(events)
    visible = queries.agreements_visible_to(access).filter(pk__in=ids)
    return {
        str(pk): AuditObject(title, reverse("pathways:agreement_detail", args=[pk]))
        for pk, title in visible.values_list("id", "title")
    }


def national_mechanisms(access, events) -> dict[str, AuditObject]:
    codes = {e.object_id for e in events}
    found = {}
    for mechanism in NationalMechanism.objects.filter(pk__in=codes).select_related("country"):
        country = mechanism.country
        name = _("National referral mechanism of %(country)s") % {"country": country.display_name}
        url = (
            reverse("pathways:national_mechanism", args=[country.pk])
            if can.can_view_national_mechanism(access, country.pk)
            else None
        )
        found[str(country.pk)] = AuditObject(name, url)
    return found


AUDIT_OBJECTS = {
    "pathways.pathway": pathways,
    "pathways.step": steps,
    "pathways.stage": stages,
    "pathways.agreement": agreements,
    "pathways.nationalmechanism": national_mechanisms,
}
