"""The local referral mechanism: who does what, stage by stage, when a (potential) victim is met.

A municipality's pathway is edited as a draft (stages and steps in tables); publishing freezes the
draft into a numbered, immutable version (a JSON snapshot), which the "who to call" card and the
comparison of versions read. Cooperation agreements (MoUs) between organisations back the steps.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import MAY_BE_MUNICIPAL_KINDS, Country, Municipality, Organisation
from strom.core.text import DESCRIPTION_MAX, NOTE_MAX, long_text, refuse_control_characters
from strom.directory.models import NeedTerm


class PrivateStorage(FileSystemStorage):
    """Outside the web root, without a URL: files leave only through views that check who asks. The
    folder is read from the settings at each use, so that tests and deployments can move it."""

    @property
    def base_location(self):
        from django.conf import settings

        return str(settings.STROM_PRIVATE_FILES_DIR)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class Phase(models.TextChoices):
    """The phases of the national and transnational referral mechanisms (TRM-EU guidelines, ICMPD
    2010), which Strom uses as the stages of every pathway."""

    IDENTIFICATION = "identification", _("Identification")
    FIRST_ASSISTANCE = "first_assistance", _("First assistance and protection")
    LONG_TERM = "long_term", _("Long-term assistance and social inclusion")
    RETURN = "return", _("Return and reintegration")
    PROCEEDINGS = "proceedings", _("Criminal and civil proceedings")


PHASE_ORDER = [phase.value for phase in Phase]


class Audience(models.TextChoices):
    ADULTS = "adults", _("Adults")
    CHILDREN = "children", _("Children")


class Handover(models.TextChoices):
    NONE = "", _("Stays local")
    NATIONAL = "national", _("Passes to the national referral mechanism")
    TRANSNATIONAL = "transnational", _("Passes abroad (transnational referral)")


class Decision(models.TextChoices):
    """Decisions that belong to a competent authority of the state, never to a municipality: the
    municipality detects, assists, notifies and requests (CoE CETS 197 Art. 10(1)-(2), 13, 14;
    Directive 2011/36/EU Art. 11(2))."""

    NONE = "", _("None")
    REASONABLE_GROUNDS = "reasonable_grounds", _("Decision on reasonable grounds")
    IDENTIFICATION = "identification", _("Formal identification")
    STAY = "stay", _("Reflection period or residence permit")


class ReflectionFor(models.TextChoices):
    """Whom a country's law grants the recovery and reflection period."""

    EVERYONE = "everyone", _("Everyone with reasonable grounds to be a victim")
    FOREIGN_NATIONALS = "foreign_nationals", _("Foreign nationals only")
    NON_EU_NATIONALS = "non_eu_nationals", _("Nationals of countries outside the EU and EEA only")
    NOBODY = "nobody", _("The law has no reflection period")


def _source_field(verbose_name):
    return models.CharField(
        verbose_name,
        max_length=300,
        blank=True,
        validators=[refuse_control_characters],
        help_text=_("The law or document this comes from, with its article or address."),
    )


def _verified_field():
    return models.BooleanField(
        _("checked against the source"),
        default=False,
        help_text=_("Leave unticked while it is not checked against the text of the source."),
    )


class NationalMechanism(models.Model):
    """A country's national referral mechanism (NRM): its focal point, whom to call for a referral
    abroad (TRM), and the country's rules that the templates, cards and health check follow. A
    national coordinator keeps it, each rule with its source."""

    country = models.OneToOneField(
        Country, on_delete=models.PROTECT, primary_key=True, related_name="national_mechanism"
    )
    focal_point = models.CharField(
        _("national focal point"),
        max_length=200,
        validators=[refuse_control_characters],
        help_text=_("The body that receives referrals at national level."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[refuse_control_characters])
    email = models.EmailField(_("e-mail address"), blank=True, validators=[refuse_control_characters])
    website = models.URLField(_("website"), blank=True, validators=[refuse_control_characters])
    available_24_7 = models.BooleanField(_("reachable 24 hours, 7 days"), default=False)
    transnational_contact = models.CharField(
        _("contact for referrals abroad"),
        max_length=200,
        blank=True,
        validators=[refuse_control_characters],
        help_text=_("Who arranges a transnational referral or a safe return."),
    )
    transnational_phone = models.CharField(
        _("phone for referrals abroad"), max_length=40, blank=True, validators=[refuse_control_characters]
    )
    notes = models.TextField(_("notes"), max_length=NOTE_MAX, blank=True, validators=long_text(NOTE_MAX))
    # Emergency and help lines
    emergency_number = models.CharField(
        _("emergency number"), max_length=20, default="112", validators=[refuse_control_characters]
    )
    hotline_name = models.CharField(
        _("national hotline"), max_length=200, blank=True, validators=[refuse_control_characters]
    )
    hotline_phone = models.CharField(
        _("national hotline phone"), max_length=40, blank=True, validators=[refuse_control_characters]
    )
    # Who decides on reasonable grounds and formal identification
    identifying_authority = models.CharField(
        _("who decides on reasonable grounds and identifies"),
        max_length=300,
        blank=True,
        validators=[refuse_control_characters],
        help_text=_(
            "The competent authorities that decide on reasonable grounds and formally identify a victim."
        ),
    )
    identifying_kind = models.CharField(
        _("kind of organisation the templates ask to identify"),
        max_length=40,
        blank=True,
        choices=[
            (kind.value, kind.label) for kind in Organisation.Kind if kind not in MAY_BE_MUNICIPAL_KINDS
        ],
    )
    identification_source = _source_field(_("source on identification"))
    identification_verified = _verified_field()
    # The recovery and reflection period
    reflection_days = models.PositiveSmallIntegerField(
        _("reflection period (days)"), null=True, blank=True, validators=[MaxValueValidator(3650)]
    )
    reflection_for = models.CharField(
        _("reflection period granted to"), max_length=20, choices=ReflectionFor.choices, blank=True
    )
    reflection_start = models.CharField(
        _("what starts the reflection period"),
        max_length=300,
        blank=True,
        validators=[refuse_control_characters],
    )
    reflection_granted_by = models.CharField(
        _("who grants the reflection period"),
        max_length=300,
        blank=True,
        validators=[refuse_control_characters],
    )
    reflection_source = _source_field(_("source on the reflection period"))
    reflection_verified = _verified_field()
    # The state assistance programme
    programme_name = models.CharField(
        _("state assistance programme"), max_length=200, blank=True, validators=[refuse_control_characters]
    )
    programme_days = models.PositiveSmallIntegerField(
        _("programme limit (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(3650)],
        help_text=_("Leave empty if the programme has no time limit."),
    )
    programme_presumed_days = models.PositiveSmallIntegerField(
        _("limit for presumed victims (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(3650)],
        help_text=_(
            "For presumed victims who do not take part in criminal proceedings, if the law sets one."
        ),
    )
    programme_after = models.CharField(
        _("what follows the programme"), max_length=300, blank=True, validators=[refuse_control_characters]
    )
    programme_source = _source_field(_("source on the programme"))
    programme_verified = _verified_field()
    # Which international instruments bind the country
    bound_by_directive = models.BooleanField(_("bound by Directive 2011/36/EU"), default=True)
    bound_by_convention = models.BooleanField(
        _("bound by the Council of Europe Convention (CETS 197)"), default=True
    )
    instruments_source = _source_field(_("source on the instruments"))
    instruments_verified = _verified_field()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("national referral mechanism")
        verbose_name_plural = _("national referral mechanisms")

    def __str__(self):
        return self.focal_point


class Pathway(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="pathways")
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=200, validators=[refuse_control_characters])
    language = models.CharField(
        _("written in"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the texts of the pathway, so that screen readers pronounce them right."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    draft_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["municipality__name", "audience"]
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "audience"], name="pathway_one_per_audience"),
        ]

    def __str__(self):
        return self.title


class Stage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="stages")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    note = models.TextField(
        _("note"),
        max_length=NOTE_MAX,
        blank=True,
        help_text=_("What everyone should know about this stage."),
        validators=long_text(NOTE_MAX),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "phase"], name="stage_one_per_phase"),
        ]

    def __str__(self):
        return self.get_phase_display()

    @property
    def position(self) -> int:
        return PHASE_ORDER.index(self.phase)


class Step(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order in the stage"), default=0)
    title = models.CharField(_("what happens"), max_length=200, validators=[refuse_control_characters])
    description = models.TextField(
        _("how"), max_length=DESCRIPTION_MAX, blank=True, validators=long_text(DESCRIPTION_MAX)
    )
    responsible = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("responsible organisation"),
    )
    backup = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("backup organisation"),
        help_text=_("Takes over when the responsible organisation cannot be reached."),
    )
    contact_function = models.CharField(
        _("contact point"),
        max_length=200,
        blank=True,
        validators=[refuse_control_characters],
        help_text=_("A function or a duty desk, never a private person."),
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, validators=[refuse_control_characters]
    )
    contact_reachable_24_7 = models.BooleanField(_("contact reachable 24 hours, 7 days"), default=False)
    requires_24_7 = models.BooleanField(
        _("must be reachable at any hour"),
        default=False,
        help_text=_("For steps that cannot wait until the next working day, such as a safe place tonight."),
    )
    max_response_hours = models.PositiveSmallIntegerField(
        _("maximum response time (hours)"), null=True, blank=True, validators=[MaxValueValidator(8760)]
    )
    needs = models.ManyToManyField(NeedTerm, related_name="+", blank=True, verbose_name=_("needs covered"))
    for_adults = models.BooleanField(_("adults"), default=True)
    for_children = models.BooleanField(_("children"), default=False)
    for_nationals = models.BooleanField(_("nationals"), default=True)
    for_foreign_nationals = models.BooleanField(_("foreign nationals"), default=True)
    handover = models.CharField(
        _("hand-over"), max_length=20, choices=Handover.choices, default=Handover.NONE, blank=True
    )
    decision = models.CharField(
        _("decision of a competent authority"),
        max_length=20,
        choices=Decision.choices,
        default=Decision.NONE,
        blank=True,
        help_text=_(
            "A step where the state decides: no municipal organisation may be responsible or backup."
        ),
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=300, blank=True, validators=[refuse_control_characters]
    )

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not self.decision:
            return
        message = _("A municipal organisation cannot take this decision: choose the competent authority.")
        errors = {}
        for name in ("responsible", "backup"):
            organisation = getattr(self, name)
            if organisation is not None and organisation.is_municipal:
                errors[name] = message
        if errors:
            raise ValidationError(errors)


class VersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("A published version never changes.")

    def delete(self):
        raise TypeError("A published version is never deleted.")


class PathwayVersion(models.Model):
    """A published, frozen copy of a pathway. Its snapshot is what the card prints."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(
        _("what changed"), max_length=300, blank=True, validators=[refuse_control_characters]
    )
    snapshot = models.JSONField()

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["pathway", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "number"], name="pathway_version_number_once"),
        ]

    def __str__(self):
        return f"{self.pathway} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("A published version never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A published version is never deleted.")


class Agreement(models.Model):
    """A cooperation agreement or memorandum of understanding between two or more organisations."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(_("title"), max_length=200, validators=[refuse_control_characters])
    parties = models.ManyToManyField(Organisation, related_name="agreements", verbose_name=_("parties"))
    steps = models.ManyToManyField(
        Step, related_name="agreements", blank=True, verbose_name=_("steps covered")
    )
    needs = models.ManyToManyField(NeedTerm, related_name="+", blank=True, verbose_name=_("needs covered"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty for an agreement without end.")
    )
    # Draft, active or terminated as decided by people; "expired" is read from valid_until.
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    document = models.FileField(storage=private_storage, upload_to="agreements/", blank=True, editable=False)
    document_name = models.CharField(max_length=200, blank=True, editable=False)
    document_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="expired"), name="agreement_expired_is_read_from_dates"
            ),
        ]

    def __str__(self):
        return self.title

    def effective_status(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.status == self.Status.ACTIVE and self.valid_until and self.valid_until < today:
            return self.Status.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return self.Status(self.effective_status()).label

    def is_in_force(self, today=None) -> bool:
        today = today or timezone.localdate()
        started = self.valid_from is None or self.valid_from <= today
        return self.effective_status(today) == self.Status.ACTIVE and started


class AgreementReminder(models.Model):
    """One row per agreement, threshold and end date: the claim that makes the reminder job send each
    reminder once, however often it runs."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    valid_until = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "days_before", "valid_until"], name="agreement_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.agreement} · {self.days_before}"
