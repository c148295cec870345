"""The audit trail: append-only, hash-chained events (security.md 18-21)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("audit events are written one by one through log_event()")


class AuditEvent(models.Model):
    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        NOTICE = "notice", _("Notice")
        WARNING = "warning", _("Warning")
        HIGH = "high", _("High")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.INFO)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object"), max_length=80, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["organisation", "-seq"], name="audit_org_seq"),
            models.Index(fields=["action", "-seq"], name="audit_action_seq"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def action_label(self) -> str:
        from strom.core.audit_labels import label_for

        return label_for(self.action)


class AuditCheckpoint(models.Model):
    """The head of the audit chain at one moment, signed with a key that lives outside the database
    (``STROM_AUDIT_CHECKPOINT_KEY``), so that removing the newest events, or all of them, no longer
    leaves a trail that verifies. Append-only like the events; see ``strom.core.audit``."""

    seq = models.PositiveBigIntegerField(_("sequence"))
    hash = models.CharField(max_length=64)
    event_count = models.PositiveBigIntegerField(_("events"))
    created_at = models.DateTimeField(_("time"))
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq", "-id"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self):
        return f"checkpoint #{self.seq}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit checkpoints cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit checkpoints cannot be deleted")
