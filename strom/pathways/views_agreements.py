"""Cooperation agreements (MoUs) between the organisations of a municipality's referral mechanism."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strom.core.access import refuse
from strom.pathways import actions, queries
from strom.pathways import permissions as can
from strom.pathways.forms import AgreementForm
from strom.pathways.models import Agreement


@require_http_methods(["GET"])
def agreement_list(request):
    agreements = list(queries.agreements_visible_to(request.access))
    can_create = queries.editable_municipalities(request.access).exists()
    context = {
        "agreements": agreements,
        "can_create": can_create,
        "countries": queries.countries_of(request.access),
    }
    return render(request, "pathways/agreement_list.html", context)


@require_http_methods(["GET"])
def agreement_detail(request, agreement_id):
    agreement = queries.get_agreement_for(request.access, agreement_id)
    context = {
        "agreement": agreement,
        "can_edit": can.can_edit_pathways_of(request.access, agreement.municipality_id),
        "can_read_document": bool(agreement.document)
        and queries.may_read_document(request.access, agreement),
    }
    return render(request, "pathways/agreement_detail.html", context)


def _edit(request, agreement: Agreement, initial=None):
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        instance=agreement,
        initial=initial,
        partners=queries.partner_organisations(agreement.municipality),
        steps=queries.steps_of_municipality(agreement.municipality_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.do_save_agreement(
                actor=request.user,
                agreement=form.instance,
                parties=list(data["parties"]),
                steps=list(data["steps"]),
                needs=list(data["needs"]),
                document=data.get("document") or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The agreement has been saved."))
            return redirect("pathways:agreement_detail", agreement_id=saved.pk)
    return render(request, "pathways/agreement_form.html", {"form": form, "agreement": agreement})


@require_http_methods(["GET", "POST"])
def agreement_new(request):
    municipalities = list(queries.editable_municipalities(request.access))
    chosen = request.GET.get("municipality", "")
    municipality = next(
        (m for m in municipalities if str(m.pk) == chosen), municipalities[0] if municipalities else None
    )
    if municipality is None:
        raise refuse(actor=request.user, object_type="pathways.agreement", object_id="new")
    initial = {}
    step = (
        queries.steps_of_municipality(municipality.pk)
        .filter(pk=_uuid_or_none(request.GET.get("step")))
        .first()
    )
    if step is not None:
        initial = {"steps": [step], "parties": [o for o in (step.responsible, step.backup) if o]}
        initial["title"] = _("Cooperation on: %(step)s") % {"step": step.title}
    return _edit(request, Agreement(municipality=municipality), initial)


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def agreement_edit(request, agreement_id):
    return _edit(request, queries.get_agreement_for(request.access, agreement_id, for_write=True))


@require_http_methods(["GET"])
def agreement_document(request, agreement_id):
    agreement = queries.get_agreement_document_for(request.access, agreement_id)
    actions.record_document_read(actor=request.user, agreement=agreement)
    response = FileResponse(
        agreement.document.open("rb"),
        as_attachment=True,
        filename=agreement.document_name or "agreement.pdf",
        content_type="application/pdf",
    )
    return response
