"""Unusual reading (security.md 22): an account that reads many sensitive records in a short time raises
an alert to the coordinators.

Every read of a sensitive record is counted per account and kind in Django's cache, which production
shares between all processes (see docs/deployment.md). The window slides in SLOTS steps: the count is
the sum of the slot now and the slots before it that lie inside the window. When the count reaches
the reader's threshold (the highest of their roles' thresholds in STROM_UNUSUAL_READING), one
high-severity audit event is written and the coordinators are e-mailed. A marker that lives as long as
the window keeps every later read in it quiet: one alert per window, not one per read.

An app plugs in with a SensitiveKind (a code for the audit trail, a plural label for the e-mail) and
one call to note_sensitive_read() wherever it reveals such a record, inside the read's transaction,
so that the alert is written with the read and its e-mail leaves only if the read commits. If the
cache cannot be reached, the read fails: the count is part of the read's safeguards, like its audit
event.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SLOTS = 15


@dataclass(frozen=True)
class SensitiveKind:
    code: str  # stored in the audit trail: never change it
    label: str | Promise  # plural, for the e-mail: "confidential addresses"


def _window_seconds() -> int:
    return max(1, int(settings.STROM_UNUSUAL_READING["window_minutes"])) * 60


def threshold_for(user) -> int:
    """The highest threshold among the user's roles; a role without its own takes the default."""
    from strom.accounts.access import get_access

    thresholds = settings.STROM_UNUSUAL_READING["thresholds"]
    default = int(thresholds.get("default", 10))
    roles = {seat.role for seat in get_access(user).seats}
    return max((int(thresholds.get(role, default)) for role in roles), default=default)


def _count(user, kind: SensitiveKind, count: int, window: int) -> int:
    slot_seconds = max(1, window // SLOTS)
    now = int(time.time() // slot_seconds)
    prefix = f"strom:reading:{user.pk}:{kind.code}"
    key = f"{prefix}:{now}"
    cache.add(key, 0, timeout=window + slot_seconds)
    try:
        cache.incr(key, count)
    except ValueError:  # the slot expired between add and incr
        cache.set(key, count, timeout=window + slot_seconds)
    keys = [f"{prefix}:{slot}" for slot in range(now - SLOTS + 1, now + 1)]
    return sum(int(value) for value in cache.get_many(keys).values())


def note_sensitive_read(
    user, kind: SensitiveKind, *, organisation=None, municipality_id=None, count: int = 1
) -> bool:
    """Count `count` reads of `kind` by `user`; on crossing the threshold, alert once per window.

    organisation / municipality_id: whose records were read; their municipality's coordinators are told,
    as are those of the reader's own municipalities. Returns whether this read raised the alert."""
    if user is None or not getattr(user, "is_authenticated", False) or count <= 0:
        return False
    window = _window_seconds()
    total = _count(user, kind, count, window)
    if total < threshold_for(user):
        return False
    if not cache.add(f"strom:reading-alert:{user.pk}:{kind.code}", 1, timeout=window):
        return False
    _alert(user, kind, total, window, organisation, municipality_id)
    return True


def _alert(user, kind: SensitiveKind, total: int, window: int, organisation, municipality_id) -> None:
    from strom.core.audit import Severity, log_event
    from strom.core.tasks import messages_in_their_language, send_on_commit

    municipalities = _municipalities(user, organisation, municipality_id)
    log_event(
        actor=user,
        action="security.unusual_reading.detected",
        severity=Severity.HIGH,
        # On the audit page of the organisation that answers for the account (the reader's own).
        organisation=_reader_organisation(user, organisation, municipality_id),
        details={"kind": kind.code, "count": total, "window_minutes": window // 60},
    )
    link = settings.STROM_BASE_URL.rstrip("/") + reverse("site:audit")
    messages = messages_in_their_language(
        _coordinators(user, municipalities),
        _("Unusual reading in Strom"),
        "core/email/unusual_reading.txt",
        # The reader's username only: coordinators need to know whose account it is; no record read is named.
        {
            "username": user.get_username(),
            "kind": kind.label,
            "count": total,
            "minutes": window // 60,
            "link": link,
        },
    )
    send_on_commit(messages)


def _municipalities(user, organisation, municipality_id) -> set[str]:
    from strom.accounts.access import get_access

    found = {seat.municipality_id for seat in get_access(user).seats}
    found.add(str(organisation.municipality_id) if getattr(organisation, "municipality_id", None) else None)
    found.add(str(municipality_id) if municipality_id else None)
    return found - {None}


def _reader_organisation(user, organisation, municipality_id):
    """The reader's organisation whose data was read, else one in that municipality, else any."""
    from strom.accounts.access import get_access
    from strom.accounts.models import Organisation

    seats = get_access(user).seats
    place = str(getattr(organisation, "municipality_id", None) or municipality_id or "")
    seat = (
        next(
            (s for s in seats if organisation is not None and s.organisation_id == str(organisation.pk)), None
        )
        or next((s for s in seats if s.municipality_id == place), None)
        or next(iter(seats), None)
    )
    return Organisation.objects.filter(pk=seat.organisation_id).first() if seat else None


def _coordinators(user, municipalities: set[str]) -> list:
    """Active members holding the alert permission in organisations of these municipalities, without the
    reader (an alert must not go to the account it is about)."""
    from strom.accounts.models import Membership, User
    from strom.accounts.roles import ROLE_PERMISSIONS, Perm

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.RECEIVE_READING_ALERTS in perms]
    members = (
        Membership.objects.active()
        .filter(organisation__municipality_id__in=municipalities, role__in=roles, user__is_active=True)
        .exclude(user=user)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=members).exclude(email="").order_by("pk"))
