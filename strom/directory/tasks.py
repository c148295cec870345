"""Background work of the service map: reminders to confirm listings."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, task

from strom.accounts.models import Membership
from strom.accounts.roles import ROLE_PERMISSIONS, Perm
from strom.core.audit import log_event
from strom.core.tasks import messages_in_their_language, send_on_commit
from strom.directory.models import Service

CONFIRM_EVERY = timedelta(days=182)


def _editor_roles() -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if Perm.EDIT_DIRECTORY in perms]


@db_periodic_task(crontab(hour="7", minute="30"))
def remind_to_confirm_listings() -> int:
    """Once per listing and period: ask the providing organisation to confirm a listing that has not
    been confirmed for six months. Running twice sends nothing more (the claim below is atomic)."""
    due = Service.objects.filter(
        status=Service.Status.ACTIVE,
        last_verified_at__lt=timezone.now() - CONFIRM_EVERY,
        verification_reminder_sent_at__isnull=True,
    ).values_list("pk", flat=True)
    return sum(_remind(service_id) for service_id in list(due))


def _remind(service_id) -> int:
    with transaction.atomic():
        claimed = Service.objects.filter(pk=service_id, verification_reminder_sent_at__isnull=True).update(
            verification_reminder_sent_at=timezone.now()
        )
        if not claimed:
            return 0
        service = Service.objects.select_related("organisation").get(pk=service_id)
        recipients = (
            Membership.objects.active()
            .filter(organisation=service.organisation, role__in=_editor_roles())
            .exclude(user__email="")
            .select_related("user")
        )
        link = settings.STROM_BASE_URL.rstrip("/") + reverse("directory:service_detail", args=[service.pk])
        messages = messages_in_their_language(
            [membership.user for membership in recipients],
            gettext_lazy("Please confirm your listing in the Strom directory"),
            "directory/email/confirm_listing.txt",
            {"service": service, "link": link},
        )
        log_event(
            actor=None,
            action="directory.service.reminder_sent",
            obj=service,
            details={"recipients": len(messages)},
        )
        send_on_commit(messages)
    return len(messages)


def progress_key(import_id) -> str:
    return f"strom-directory-import-progress:{import_id}"


@task()
def run_directory_import(import_id: str) -> None:
    """Apply a checked import. Progress goes to the worker's own store, not the database, because the
    import is one transaction whose writes no one else sees until it commits."""
    from django.core.exceptions import ValidationError

    from strom.accounts.models import User
    from strom.directory.actions import do_import_directory
    from strom.directory.hsds.reading import plan_import
    from strom.directory.models import DirectoryImport

    job = DirectoryImport.objects.select_related("municipality").get(pk=import_id)
    if job.status != DirectoryImport.Status.QUEUED:
        return  # already done: running twice changes nothing
    actor = User.objects.get(pk=job.created_by_id)
    plan = plan_import(bytes(job.payload), job.municipality, kind=job.kind, actor=actor)

    def progress(done: int, total: int) -> None:
        HUEY.put(progress_key(import_id), {"done": done, "total": total})

    try:
        summary = do_import_directory(
            actor=actor, municipality=job.municipality, plan=plan, progress=progress
        )
    except (ValidationError, PermissionDenied) as error:
        messages = getattr(error, "messages", None) or [_("You may not import into this municipality.")]
        DirectoryImport.objects.filter(pk=job.pk).update(
            status=DirectoryImport.Status.FAILED, problems=messages
        )
        return
    DirectoryImport.objects.filter(pk=job.pk).update(
        status=DirectoryImport.Status.DONE, summary=summary.audit_details()
    )
