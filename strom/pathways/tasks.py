"""Background work of the referral mechanism: reminders before a cooperation agreement expires."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from strom.accounts.models import Membership
from strom.accounts.roles import ROLE_PERMISSIONS, Perm
from strom.core.audit import log_event
from strom.core.tasks import messages_in_their_language, send_on_commit
from strom.pathways.models import Agreement, AgreementReminder


def _roles_with(perm: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]


# Hourly, because it is cheap and idempotent: a reminder goes out soon after the worker starts, and
# never twice for the same threshold and end date.
@db_periodic_task(crontab(minute="5"))
def send_agreement_reminders() -> int:
    """Remind the municipality's coordinators and the parties 60 and 14 days before an agreement ends.
    Returns the number of e-mails queued."""
    today = timezone.localdate()
    longest = max(settings.STROM_AGREEMENT_REMINDER_DAYS)
    due = Agreement.objects.filter(
        status=Agreement.Status.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=longest),
    ).values_list("pk", flat=True)
    return sum(_remind(agreement_id, today) for agreement_id in list(due))


def _remind(agreement_id, today) -> int:
    agreement = Agreement.objects.select_related("municipality").get(pk=agreement_id)
    days_left = (agreement.valid_until - today).days
    applicable = sorted(t for t in settings.STROM_AGREEMENT_REMINDER_DAYS if days_left <= t)
    threshold = applicable[0]
    try:
        with transaction.atomic():
            # The claim: one row per agreement, threshold and end date. A second run, or a second
            # worker, fails to insert it and sends nothing. Wider thresholds are claimed too, so an
            # agreement recorded with 10 days left gets one reminder, not two.
            AgreementReminder.objects.create(
                agreement=agreement, days_before=threshold, valid_until=agreement.valid_until
            )
            AgreementReminder.objects.bulk_create(
                [
                    AgreementReminder(agreement=agreement, days_before=t, valid_until=agreement.valid_until)
                    for t in applicable[1:]
                ],
                ignore_conflicts=True,
            )
            messages = _messages(agreement, days_left)
            AgreementReminder.objects.filter(
                agreement=agreement, days_before=threshold, valid_until=agreement.valid_until
            ).update(recipients=len(messages))
            log_event(
                actor=None,
                action="pathways.agreement.reminder_sent",
                obj=agreement,
                organisation=_coordinating_organisation(agreement),
                details={"days_before": threshold, "recipients": len(messages)},
            )
            send_on_commit(messages)
    except IntegrityError:
        return 0
    return len(messages)


def _coordinating_organisation(agreement: Agreement):
    """Where the municipality's coordinators sit, so that the reminder shows on their audit page."""
    membership = (
        Membership.objects.active()
        .filter(
            organisation__municipality_id=agreement.municipality_id, role__in=_roles_with(Perm.EDIT_PATHWAYS)
        )
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    return membership.organisation if membership else None


def _messages(agreement: Agreement, days_left: int) -> dict[str, tuple[str, str]]:
    coordinators = Q(
        organisation__municipality_id=agreement.municipality_id, role__in=_roles_with(Perm.EDIT_PATHWAYS)
    )
    parties = Q(
        organisation__in=agreement.parties.all(),
        role__in=_roles_with(Perm.EDIT_PATHWAYS) + _roles_with(Perm.EDIT_DIRECTORY),
    )
    members = (
        Membership.objects.active()
        .filter(coordinators | parties)
        .exclude(user__email="")
        .select_related("user")
    )
    link = settings.STROM_BASE_URL.rstrip("/") + reverse("pathways:agreement_detail", args=[agreement.pk])
    return messages_in_their_language(
        [membership.user for membership in members],
        _("A cooperation agreement ends soon"),
        "pathways/email/agreement_expiring.txt",
        {"agreement": agreement, "days": days_left, "link": link},
    )
