"""Open Referral HSDS 3.0: export the directory, and import a file after a dry run."""

import json

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from huey.contrib.djhuey import HUEY

from strom.accounts.models import Municipality
from strom.accounts.roles import Perm
from strom.core.access import refuse
from strom.core.ratelimit import rate_limited
from strom.directory import actions, queries
from strom.directory.hsds import exporting, mapping
from strom.directory.models import DirectoryImport
from strom.directory.tasks import progress_key, run_directory_import

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _export_scope(request):
    municipality = Municipality.objects.filter(pk=request.GET.get("municipality") or None).first()
    if municipality is None:
        raise refuse(actor=request.user, object_type="accounts.municipality", object_id="export")
    services = queries.active_services_for(request.access).filter(municipality=municipality).order_by("name")
    return municipality, services, mapping.visible_with(request.access)


def _record_export(request, municipality, services) -> None:
    """An authorised export reveals the confidential addresses its reader may see: one audit event
    with their count, in the transaction that reads them."""
    revealed = queries.confidential_locations_of(request.access, services)
    actions.record_confidential_export(actor=request.user, locations=revealed, municipality=municipality)


@require_http_methods(["GET"])
@rate_limited("export_user", methods=("GET",))
def export_json(request):
    municipality, services, location_filter = _export_scope(request)  # a refusal is audited and kept
    with transaction.atomic():
        _record_export(request, municipality, services)
        document = exporting.export_directory(services, location_filter=location_filter)
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="hsds-{slugify(municipality.name)}.json"'
    return response


@require_http_methods(["GET"])
@rate_limited("export_user", methods=("GET",))
def export_zip(request):
    municipality, services, location_filter = _export_scope(request)
    with transaction.atomic():
        _record_export(request, municipality, services)
        files = exporting.tabular_package(services, location_filter=location_filter)
    response = HttpResponse(exporting.zip_package(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="hsds-{slugify(municipality.name)}.zip"'
    return response


class ImportForm(forms.Form):
    municipality = forms.ModelChoiceField(label=gettext_lazy("Import into the directory of"), queryset=None)
    file = forms.FileField(
        label=gettext_lazy("HSDS file"),
        help_text=gettext_lazy("HSDS 3.0 JSON, or a tabular data package (ZIP of CSV files), at most 10 MB."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


def _managed_municipalities(access):
    ids = access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)
    return Municipality.objects.filter(pk__in=ids).order_by("name")


@require_http_methods(["GET", "POST"])
def import_start(request):
    municipalities = _managed_municipalities(request.access)
    if not municipalities.exists():
        raise refuse(actor=request.user, object_type="directory.directoryimport", object_id="new")
    # Someone who coordinates one municipality has nothing to choose; with several, they choose.
    only = municipalities[0] if len(municipalities) == 1 else None
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        municipalities=municipalities,
        initial={"municipality": only.pk} if only else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = actions.do_check_directory_import(
            actor=request.user,
            municipality=form.cleaned_data["municipality"],
            file_name=upload.name,
            payload=upload.read(),
        )
        return redirect("directory:import_detail", import_id=job.pk)
    return render(request, "directory/import_start.html", {"form": form})


def _job_for(access, import_id) -> DirectoryImport:
    job = (
        DirectoryImport.objects.select_related("municipality")
        .filter(pk=import_id, created_by_id=access.user_id)
        .first()
    )
    if job is None:
        raise refuse(actor=access.user, object_type="directory.directoryimport", object_id=import_id)
    return job


@require_http_methods(["GET"])
def import_detail(request, import_id):
    job = _job_for(request.access, import_id)
    progress = HUEY.get(progress_key(job.pk), peek=True) or {"done": 0, "total": 0}
    problems = Paginator(job.problems, 100).get_page(request.GET.get("page"))
    context = {"job": job, "progress": progress, "problems": problems}
    if request.htmx:
        return render(request, "directory/import_detail.html#status", context)
    return render(request, "directory/import_detail.html", context)


@require_POST
def import_apply(request, import_id):
    job = _job_for(request.access, import_id)
    if actions.do_queue_directory_import(actor=request.user, job=job):
        run_directory_import(str(job.pk))
        messages.info(request, _("The import has started. This page shows its progress."))
    return redirect("directory:import_detail", import_id=job.pk)
