from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from strom.core.access import refuse
from strom.pathways import actions, diagram, health, queries
from strom.pathways import permissions as can
from strom.pathways.forms import CreatePathwayForm, PublishForm, StageNoteForm, StepForm
from strom.pathways.models import Phase, Stage, Step
from strom.pathways.structure import compare


@require_http_methods(["GET"])
def pathway_list(request):
    pathways = list(queries.pathways_visible_to(request.access))
    can_create = queries.editable_municipalities(request.access).exists()
    context = {
        "pathways": pathways,
        "can_create": can_create,
        "countries": queries.countries_of(request.access),
    }
    return render(request, "pathways/pathway_list.html", context)


@require_http_methods(["GET", "POST"])
def pathway_new(request):
    municipalities = queries.editable_municipalities(request.access)
    if not municipalities.exists():
        raise refuse(actor=request.user, object_type="pathways.pathway", object_id="new")
    form = CreatePathwayForm(
        request.POST or None,
        municipalities=municipalities,
        sources=queries.templates_and_sources(request.access),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pathway = actions.do_create_pathway(
                actor=request.user,
                municipality=data["municipality"],
                audience=data["audience"],
                source=data["source"],
                language=data["language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The pathway has been created. Check the health list below."))
            return redirect("pathways:pathway_detail", pathway_id=pathway.pk)
    return render(request, "pathways/pathway_new.html", {"form": form})


def _fix_link(problem: health.Problem, pathway, stages: dict[str, Stage]) -> tuple[str, str] | None:
    """Where to go to fix a problem, for someone who may edit the pathway."""
    if problem.step_id and problem.code == "no_agreement":
        url = (
            reverse("pathways:agreement_new")
            + f"?municipality={pathway.municipality_id}&step={problem.step_id}"
        )
        return url, _("Record an agreement")
    if problem.step_id:
        return reverse("pathways:step_edit", args=[problem.step_id]), _("Edit the step")
    if problem.agreement_id:
        return reverse("pathways:agreement_edit", args=[problem.agreement_id]), _(
            "Renew or update the agreement"
        )
    if problem.code == "no_nrm_handover" and Phase.IDENTIFICATION in stages:
        return reverse("pathways:step_new", args=[stages[Phase.IDENTIFICATION].pk]), _("Add a step")
    if problem.code in ("national_rules_missing", "national_rules_unverified"):
        country = pathway.municipality.country_id
        return reverse("pathways:national_mechanism", args=[country]), _("See the country's rules")
    if problem.code == "need_without_step" and Phase.FIRST_ASSISTANCE in stages:
        stage = stages[Phase.FIRST_ASSISTANCE]
        return reverse("pathways:step_new", args=[stage.pk]) + f"?need={problem.need}", _("Add a step")
    if problem.code == "need_without_service":
        return reverse("directory:gap_analysis"), _("See the gaps in the directory")
    if problem.code == "no_unconditional_accommodation":
        return reverse("directory:service_list") + "?need=accommodation&unconditional=on", _(
            "Find a provider"
        )
    return None


@require_http_methods(["GET"])
def pathway_detail(request, pathway_id):
    pathway = queries.get_pathway_for(request.access, pathway_id)
    editable = can.can_edit_pathways_of(request.access, pathway.municipality_id)
    data = queries.draft_of(pathway)
    problems = queries.health_of(pathway, data)
    stages = {stage.phase: stage for stage in pathway.stages.all()}
    latest = queries.latest_version(pathway)
    context = {
        "pathway": pathway,
        "data": data,
        "stages": [(stages[s.phase], s) for s in data.stages],
        "can_edit": editable,
        "problems": [(p, _fix_link(p, pathway, stages) if editable else None) for p in problems],
        "counts": {level: sum(1 for p in problems if p.severity == level) for level in health.SEVERITY_ORDER},
        "diagram": diagram.render(data, health.problems_by_step(problems)),
        "latest": latest,
        "unpublished": compare(queries.version_data(latest), data) if latest else None,
        "publish_form": PublishForm(),
        "country_rules": queries.country_rules_of(pathway.municipality.country),
    }
    return render(request, "pathways/pathway_detail.html", context)


def _step_form(request, step: Step, initial=None):
    partners = queries.partner_organisations(step.stage.pathway.municipality)
    return StepForm(request.POST or None, instance=step, partners=partners, initial=initial)


def _save_step(request, step: Step, initial=None):
    form = _step_form(request, step, initial)
    if request.method == "POST" and form.is_valid():
        actions.do_save_step(actor=request.user, step=form.instance, needs=form.cleaned_data["needs"])
        messages.success(request, _("The step has been saved."))
        return redirect(
            reverse("pathways:pathway_detail", args=[step.stage.pathway_id]) + f"#stage-{step.stage.phase}"
        )
    context = {
        "form": form,
        "step": step,
        "is_new": step._state.adding,
        "stage": step.stage,
        "pathway": step.stage.pathway,
    }
    return render(request, "pathways/step_form.html", context)


@require_http_methods(["GET", "POST"])
def step_new(request, stage_id):
    stage = queries.get_stage_for(request.access, stage_id)
    step = Step(stage=stage, position=stage.steps.count(), for_children=stage.pathway.audience == "children")
    step.for_adults = stage.pathway.audience == "adults"
    need = request.GET.get("need", "")
    return _save_step(request, step, initial={"needs": [need]} if need else None)


@require_http_methods(["GET", "POST"])
def step_edit(request, step_id):
    return _save_step(request, queries.get_step_for(request.access, step_id))


@require_POST
def step_delete(request, step_id):
    step = queries.get_step_for(request.access, step_id)
    pathway_id = step.stage.pathway_id
    actions.do_delete_step(actor=request.user, step=step)
    messages.success(request, _("The step has been removed from the draft."))
    return redirect("pathways:pathway_detail", pathway_id=pathway_id)


@require_POST
def stage_note(request, stage_id):
    stage = queries.get_stage_for(request.access, stage_id)
    form = StageNoteForm(request.POST)
    if form.is_valid():
        actions.do_save_stage_note(actor=request.user, stage=stage, note=form.cleaned_data["note"])
        messages.success(request, _("The note has been saved."))
    return redirect(reverse("pathways:pathway_detail", args=[stage.pathway_id]) + f"#stage-{stage.phase}")


@require_POST
def pathway_publish(request, pathway_id):
    pathway = queries.get_pathway_for(request.access, pathway_id, for_write=True)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("note", [])))
        return redirect("pathways:pathway_detail", pathway_id=pathway.pk)
    try:
        version = actions.do_publish_pathway(
            actor=request.user, pathway=pathway, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pathways:pathway_detail", pathway_id=pathway.pk)
    messages.success(request, _("Version %(number)d is published.") % {"number": version.number})
    return redirect("pathways:version_detail", pathway_id=pathway.pk, number=version.number)


@require_http_methods(["GET"])
def version_list(request, pathway_id):
    pathway = queries.get_pathway_for(request.access, pathway_id)
    return render(
        request, "pathways/version_list.html", {"pathway": pathway, "versions": queries.versions_of(pathway)}
    )


@require_http_methods(["GET"])
def version_detail(request, pathway_id, number):
    version = queries.get_version_for(request.access, pathway_id, number)
    data = queries.version_data(version)
    context = {
        "pathway": version.pathway,
        "version": version,
        "data": data,
        "diagram": diagram.render(data, {}),
        "mechanism": queries.national_mechanism(version.pathway.municipality.country),
    }
    return render(request, "pathways/version_detail.html", context)


@require_http_methods(["GET"])
def version_compare(request, pathway_id):
    pathway = queries.get_pathway_for(request.access, pathway_id)
    versions = list(queries.versions_of(pathway))
    numbers = [v.number for v in versions]
    try:
        newer = int(request.GET.get("to", numbers[0] if numbers else 0))
        older = int(request.GET.get("from", newer - 1))
    except ValueError:
        newer = older = 0
    by_number = {v.number: v for v in versions}
    if older not in by_number or newer not in by_number:
        messages.error(request, _("Choose two published versions to compare."))
        return redirect("pathways:version_list", pathway_id=pathway.pk)
    changes = compare(queries.version_data(by_number[older]), queries.version_data(by_number[newer]))
    context = {
        "pathway": pathway,
        "older": by_number[older],
        "newer": by_number[newer],
        "changes": changes,
        "need_names": queries.need_names(),
    }
    return render(request, "pathways/version_compare.html", context)


@require_http_methods(["GET"])
def pathway_card(request, pathway_id):
    from strom.pathways.card import card_response

    pathway = queries.get_pathway_for(request.access, pathway_id)
    latest = queries.latest_version(pathway)
    if latest is None:
        raise Http404  # readable, but nothing is published yet: not a refusal to audit
    size = "pocket" if request.GET.get("size") == "pocket" else "a4"
    return card_response(request, latest, size=size)
