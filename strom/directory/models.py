"""The service map: who offers what, where, in which languages, with what capacity.

The tables follow the core of Open Referral HSDS 3.0 (service, location, service_at_location,
address, phone, schedule, language, service_area, cost_option, contact), folded where Strom needs
no separate row, plus what matters for victims of trafficking: needs met, who is served, 24/7
availability, emergency response time, capacity, whether help is unconditional, and whether a
location is confidential (shelters). An HSDS organization is a Strom Organisation: one table.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import Municipality, Organisation
from strom.core.code_sets import CodeSetField
from strom.core.exploitation import ExploitationForm
from strom.core.fields import EncryptedCharField, EncryptedDecimalField
from strom.core.text import DESCRIPTION_MAX, long_text, refuse_control_characters


class NeedTerm(models.Model):
    """One need of the versioned need taxonomy (strom/directory/data/need_taxonomy-<version>.json)."""

    code = models.SlugField(max_length=50, primary_key=True)
    taxonomy_version = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField()
    names = models.JSONField(default=dict)  # {"en": ..., "et": ..., ...}
    definitions = models.JSONField(default=dict)
    basis = models.JSONField(default=list)
    urgent = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.names.get(get_language() or "en") or self.names.get("en", self.code)

    @property
    def definition(self) -> str:
        return self.definitions.get(get_language() or "en") or self.definitions.get("en", "")


class Location(models.Model):
    """A place where a service is offered. The address and the precise position are encrypted for
    every location (a shelter can become confidential later); the map reads map_latitude and
    map_longitude, plaintext copies that only a location that is not confidential has."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="locations")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(_("name"), max_length=200, validators=[refuse_control_characters])
    address_1 = EncryptedCharField(
        _("street address"), max_length=200, blank=True, validators=[refuse_control_characters]
    )
    city = EncryptedCharField(
        _("town or city"), max_length=100, blank=True, validators=[refuse_control_characters]
    )
    postal_code = EncryptedCharField(
        _("postal code"), max_length=20, blank=True, validators=[refuse_control_characters]
    )
    latitude = EncryptedDecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = EncryptedDecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_confidential = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_(
            "For shelters: the address is shown only to the providing organisation and to the "
            "municipality's coordinators, never on public pages, maps or exports."
        ),
    )
    # Filled by save() from latitude and longitude, and only when the location is not confidential:
    # the bounding box of matching and the map filter and sort on these.
    map_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, editable=False)
    map_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        indexes = [models.Index(fields=["map_latitude", "map_longitude"], name="location_map_position")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(map_latitude__gte=-90, map_latitude__lte=90)
                | models.Q(map_latitude__isnull=True),
                name="location_map_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(map_longitude__gte=-180, map_longitude__lte=180)
                | models.Q(map_longitude__isnull=True),
                name="location_map_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(is_confidential=False)
                | models.Q(map_latitude__isnull=True, map_longitude__isnull=True),
                name="location_confidential_not_on_map",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.set_map_position()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"latitude", "longitude", "is_confidential"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "map_latitude", "map_longitude"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.set_map_position()  # before full_clean checks location_confidential_not_on_map

    def set_map_position(self) -> None:
        """Copy the position to the map columns, or clear them for a confidential location. clean()
        and save() call this; code that writes rows without save() (bulk_create) must call it itself."""
        public = not self.is_confidential
        self.map_latitude = self.latitude if public else None
        self.map_longitude = self.longitude if public else None


class Condition(models.TextChoices):
    """Conditions that make help conditional in practice (STROM II), besides the two parts of
    "unconditional"."""

    DECLARED_RESIDENCE = "declared_residence", _("Declared residence in the municipality")
    LEGAL_STAY = "legal_stay", _("Legal stay in the country")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance")
    REFERRAL_BY_AUTHORITY = "referral_by_authority", _("Referral by an authority")


class Funding(models.TextChoices):
    STATE_PROGRAMME = "state_programme", _("State programme")
    MUNICIPALITY = "municipality", _("Municipality")
    PROJECT = "project", _("Project")
    DONORS = "donors", _("Donors")
    FEES = "fees", _("Fees")


class SpecialNeed(models.TextChoices):
    PREGNANCY = "pregnancy", _("Pregnancy")
    DISABILITY = "disability", _("Disability")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    ADDICTION = "addiction", _("Addiction")


class Availability(models.TextChoices):
    EXISTING = "existing", _("Offered today")
    POTENTIAL = "potential", _("Could be offered if asked")


UNCONDITIONAL_INPUTS = {
    "independent_of_cooperation",
    "open_to_presumed_victims",
    "conditions",
    "time_limit_days",
}


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="services",
        help_text=_("The municipality whose directory lists the service."),
    )
    name = models.CharField(_("name"), max_length=200, validators=[refuse_control_characters])
    description = models.TextField(
        _("description"), max_length=DESCRIPTION_MAX, blank=True, validators=long_text(DESCRIPTION_MAX)
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    email = models.EmailField(_("e-mail address"), blank=True, validators=[refuse_control_characters])
    url = models.URLField(_("website"), blank=True, validators=[refuse_control_characters])
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[refuse_control_characters])
    is_helpline = models.BooleanField(_("helpline"), default=False)

    needs = models.ManyToManyField(NeedTerm, related_name="services", verbose_name=_("needs met"))
    serves_adults = models.BooleanField(_("adults"), default=True)
    serves_children = models.BooleanField(_("children"), default=False)
    serves_unaccompanied_children = models.BooleanField(_("unaccompanied children"), default=False)
    serves_women = models.BooleanField(_("women"), default=True)
    serves_men = models.BooleanField(_("men"), default=True)
    serves_other_genders = models.BooleanField(_("people of other genders"), default=True)
    serves_families = models.BooleanField(_("families with children"), default=False)
    special_needs = CodeSetField(_("special needs it can meet"), codes=SpecialNeed)
    exploitation_experience = CodeSetField(_("experience with forms of exploitation"), codes=ExploitationForm)
    availability = models.CharField(
        _("offered today or on request"),
        max_length=10,
        choices=Availability.choices,
        default=Availability.EXISTING,
        help_text=_(
            "A provider that could offer this help if asked is mapped too, so a coordinator knows "
            "whom to ask; it is not shown on the public page."
        ),
    )

    available_24_7 = models.BooleanField(_("available 24 hours, 7 days"), default=False)
    hours = models.CharField(
        _("opening hours"), max_length=200, blank=True, validators=[refuse_control_characters]
    )
    emergency_response_hours = models.PositiveSmallIntegerField(
        _("emergency response (hours)"),
        null=True,
        blank=True,
        help_text=_("How many hours it takes at most to help in an emergency."),
    )
    capacity_total = models.PositiveIntegerField(_("places in all"), null=True, blank=True)
    capacity_free = models.PositiveIntegerField(_("free places"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("free places last updated"), null=True, blank=True)
    # "Unconditional" in the STROM II sense has two parts, each answered by the provider: None is
    # "not answered yet", and nothing unanswered is ever shown as a promise.
    independent_of_cooperation = models.BooleanField(
        _("help without cooperating with the police"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Help does not depend on cooperating with the police or taking part in criminal proceedings."
        ),
    )
    open_to_presumed_victims = models.BooleanField(
        _("help without formal identification"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Presumed and potential victims are helped too: nobody has to be formally identified "
            "as a victim first."
        ),
    )
    conditions = CodeSetField(
        _("other conditions"),
        codes=Condition,
        help_text=_("What a person must have or do to get this help. Leave empty if nothing."),
    )
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("For help given for a limited time only, for example 60 days for presumed victims."),
    )
    conditions_note = models.CharField(
        _("conditions in your own words"),
        max_length=300,
        blank=True,
        validators=[refuse_control_characters],
    )
    # Derived by save() from the answers above (see unconditional_answer): matching ranks on it and the
    # directory filters on it. True only when both parts are confirmed and no other condition applies.
    is_unconditional = models.BooleanField(
        _("unconditional"), null=True, blank=True, default=None, editable=False
    )
    is_free = models.BooleanField(_("free for the person"), null=True, blank=True, default=None)
    funding = CodeSetField(_("funded by"), codes=Funding)
    referral_contact = models.CharField(
        _("referral contact"),
        max_length=200,
        blank=True,
        validators=[refuse_control_characters],
        help_text=_(
            "Function, phone or e-mail to call when referring someone: never a private person's data."
        ),
    )
    locations = models.ManyToManyField(Location, related_name="services", blank=True)

    # The needs again as bits (bit n for the need at taxonomy position n) and the languages as
    # space-framed codes (" lv ru "), so that matching ranks 20,000 services in one pass over this
    # table instead of joining two others. Kept in step by refresh_codes(), which every write of needs
    # or languages calls.
    need_mask = models.PositiveBigIntegerField(default=0, editable=False)
    language_codes = models.CharField(max_length=400, blank=True, default="", editable=False)

    last_verified_at = models.DateTimeField(_("last confirmed"), default=timezone.now)
    verification_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [
            models.Index(fields=["municipality", "status"], name="service_municipality_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_free__isnull=True)
                | models.Q(capacity_total__isnull=True)
                | models.Q(capacity_free__lte=models.F("capacity_total")),
                name="service_free_places_within_total",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.is_unconditional = self.unconditional_answer()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and UNCONDITIONAL_INPUTS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "is_unconditional"}
        super().save(*args, **kwargs)

    def unconditional_answer(self) -> bool | None:
        """True when both parts are confirmed and no other condition applies; False as soon as one
        part is denied or any condition is recorded; None while it is not known."""
        if self.independent_of_cooperation is False or self.open_to_presumed_victims is False:
            return False
        if self.conditions or self.time_limit_days:
            return False
        if self.independent_of_cooperation and self.open_to_presumed_victims:
            return True
        return None

    def refresh_codes(self) -> None:
        """Copy the current needs and languages into need_mask and language_codes, and save them."""
        self.need_mask = need_mask(self.needs.values_list("position", flat=True))
        self.language_codes = frame_codes(self.languages.values_list("code", flat=True))
        Service.objects.filter(pk=self.pk).update(
            need_mask=self.need_mask, language_codes=self.language_codes
        )


def need_mask(positions) -> int:
    """Bit n set for the need at taxonomy position n."""
    mask = 0
    for position in positions:
        mask |= 1 << position
    return mask


def frame_codes(codes) -> str:
    """' a b ' for codes a and b: every code, framed by spaces, is found with contains=' a '."""
    codes = sorted(set(codes))
    return f" {' '.join(codes)} " if codes else ""


class ServiceLanguage(models.Model):
    """HSDS language: a language the service is offered in (ISO 639-1 code)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=8)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="service_language_once"),
        ]

    def __str__(self):
        return self.code


class ServiceArea(models.Model):
    """HSDS service_area: where a service works besides the municipality that lists it. One row names
    either a municipality or a whole country; a region is a named set of municipality rows ("Vidzeme":
    the same name on each). A service with no rows serves its own municipality only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    country = models.ForeignKey(
        "accounts.Country", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(
        _("name of the area"), max_length=100, blank=True, validators=[refuse_control_characters]
    )

    class Meta:
        ordering = ["country_id", "name"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=True, country__isnull=False)
                | models.Q(municipality__isnull=False, country__isnull=True),
                name="service_area_municipality_or_country",
            ),
            models.UniqueConstraint(
                fields=["service", "municipality"], name="service_area_municipality_once"
            ),
            models.UniqueConstraint(fields=["service", "country"], name="service_area_country_once"),
        ]

    def __str__(self):
        return self.name or str(self.municipality or self.country)


class DirectoryImport(models.Model):
    """An uploaded HSDS file: checked first (a dry run), imported all or nothing by the worker."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("Has problems")
        CHECKED = "checked", _("Checked, ready to import")
        QUEUED = "queued", _("Waiting for the worker")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    payload = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices)
    problems = models.JSONField(default=list)
    preview = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name
