"""Background work of the service map: reminders to confirm listings."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from strom.accounts.models import Membership
from strom.accounts.roles import ROLE_PERMISSIONS, Perm
from strom.core.audit import log_event
from strom.core.tasks import send_email
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
        messages = {}
        for membership in recipients:
            user = membership.user
            with translation.override(user.preferred_language):
                subject = _("Please confirm your listing in the Strom directory")
                body = render_to_string(
                    "directory/email/confirm_listing.txt", {"service": service, "link": link}
                )
            messages[user.email] = (subject, body)
        log_event(
            actor=None,
            action="directory.service.reminder_sent",
            obj=service,
            details={"recipients": len(messages)},
        )
        for email, (subject, body) in messages.items():
            transaction.on_commit(lambda e=email, s=subject, b=body: send_email(e, s, b))
    return len(messages)
