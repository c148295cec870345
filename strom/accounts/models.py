import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from strom.accounts import slugs
from strom.accounts.roles import Role, permissions_for
from strom.core.text import refuse_control_characters


def new_security_stamp() -> str:
    return secrets.token_hex(16)


# Country names in the interface language; the stored name is the English one.
COUNTRY_NAMES = {
    "DK": _("Denmark"),
    "EE": _("Estonia"),
    "FI": _("Finland"),
    "DE": _("Germany"),
    "IS": _("Iceland"),
    "LV": _("Latvia"),
    "LT": _("Lithuania"),
    "NO": _("Norway"),
    "PL": _("Poland"),
    "SE": _("Sweden"),
}


class Country(models.Model):
    code = models.CharField(
        _("ISO code"), max_length=2, primary_key=True, validators=[refuse_control_characters]
    )
    name = models.CharField(_("name"), max_length=100, validators=[refuse_control_characters])

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        return COUNTRY_NAMES.get(self.code, self.name)


class Municipality(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField(_("name"), max_length=150, validators=[refuse_control_characters])
    # The readable part of the public help page's address, /help/lv/kalnupe/: the one exception to
    # opaque identifiers in URLs, for public pages only (strom/accounts/slugs.py says why). Made on
    # the first save and kept when the name changes, since posters with the old address are printed.
    slug = models.SlugField(_("short name in the public address"), max_length=70, blank=True, editable=False)

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="municipality_unique_name_in_country"),
            models.UniqueConstraint(fields=["country", "slug"], name="municipality_unique_slug_in_country"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.free_slug()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)

    def free_slug(self) -> str:
        """The name folded to ASCII, numbered when another municipality of the country has it."""
        base = slugs.fold(self.name)
        taken = Municipality.objects.filter(country_id=self.country_id, slug__startswith=base)
        return slugs.first_free(base, set(taken.exclude(pk=self.pk).values_list("slug", flat=True)))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL_SOCIAL_SERVICES = "municipal_social_services", _("Municipal social services")
        MUNICIPAL_ADMINISTRATION = "municipal_administration", _("Municipal administration")
        NGO = "ngo", _("Non-governmental organisation")
        POLICE = "police", _("Police")
        LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour inspectorate")
        HEALTH = "health", _("Health service")
        MIGRATION = "migration", _("Migration service")
        PROSECUTION = "prosecution", _("Prosecution")
        CHILD_PROTECTION = "child_protection", _("Child protection")
        EDUCATION = "education", _("Education")
        EMPLOYMENT_SERVICE = "employment_service", _("Employment service")
        BORDER_GUARD = "border_guard", _("Border guard")
        EMBASSY = "embassy", _("Embassy or consulate")
        GUARDIANSHIP_AUTHORITY = "guardianship_authority", _("Guardianship authority (orphan's court)")
        TRADE_UNION = "trade_union", _("Trade union")
        EMPLOYER = "employer", _("Employer or business")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
        STATE_VICTIM_SUPPORT = "state_victim_support", _("State victim support authority")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, validators=[refuse_control_characters])
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="organisations")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text=_("Leave empty for an organisation that works at national level."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="organisation_unique_name_in_country"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_municipal(self) -> bool:
        """A body of the municipality: it detects, assists and refers, but decides neither on reasonable
        grounds, identification nor a stay (CoE CETS 197 Art. 10(1)-(2), Art. 13-14)."""
        return self.kind in ALWAYS_MUNICIPAL_KINDS or (
            self.municipality_id is not None and self.kind in LOCALLY_MUNICIPAL_KINDS
        )


# Kinds that are the municipality's own everywhere, and kinds that are municipal when they work locally
# (a municipal child protection office or orphan's court, a municipal school; a national child rights
# agency is not).
ALWAYS_MUNICIPAL_KINDS = frozenset(
    {Organisation.Kind.MUNICIPAL_SOCIAL_SERVICES, Organisation.Kind.MUNICIPAL_ADMINISTRATION}
)
LOCALLY_MUNICIPAL_KINDS = frozenset(
    {
        Organisation.Kind.CHILD_PROTECTION,
        Organisation.Kind.GUARDIANSHIP_AUTHORITY,
        Organisation.Kind.EDUCATION,
    }
)
MAY_BE_MUNICIPAL_KINDS = ALWAYS_MUNICIPAL_KINDS | LOCALLY_MUNICIPAL_KINDS


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail address"), blank=True, validators=[refuse_control_characters])
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Rotating the stamp ends every session of the user at once (security.md 5).
    security_stamp = models.CharField(max_length=32, default=new_security_stamp, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def _get_session_auth_hash(self, secret=None):
        return salted_hmac(
            "strom.accounts.User.session_auth_hash",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True, organisation__is_active=True, user__is_active=True)


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(ended_at__isnull=True),
                name="membership_unique_active_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def permissions(self) -> frozenset[str]:
        return permissions_for(self.role)


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    email = models.EmailField(_("e-mail address"), validators=[refuse_control_characters])
    # Only a digest of the link's secret is stored: a database reader cannot accept an invitation.
    token_digest = models.CharField(max_length=64, unique=True)
    # Empty only for the first platform administrator, invited from the command line.
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.get_role_display()} · {self.organisation}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, validators=[refuse_control_characters])
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class OrganisationAreaQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, organisation__is_active=True)


class OrganisationArea(models.Model):
    """Where an organisation may list services besides its own municipality.

    Either one municipality, granted by a coordinator of that municipality ("this organisation serves
    us"), or a whole country, granted by a national coordinator to a nationally appointed organisation.
    One model for both, so that one query tells where an organisation works and one list shows who
    granted what. Revoking keeps the row (the record of who could write when) and stops new writes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="areas")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="served_by", null=True, blank=True
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="national_appointments", null=True, blank=True
    )
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationAreaQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("area an organisation serves")
        verbose_name_plural = _("areas organisations serve")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(municipality__isnull=False, country__isnull=True)
                    | models.Q(municipality__isnull=True, country__isnull=False)
                ),
                name="organisationarea_municipality_or_country",
            ),
            models.UniqueConstraint(
                fields=["organisation", "municipality"],
                condition=models.Q(revoked_at__isnull=True, municipality__isnull=False),
                name="organisationarea_unique_active_municipality",
            ),
            models.UniqueConstraint(
                fields=["organisation", "country"],
                condition=models.Q(revoked_at__isnull=True, country__isnull=False),
                name="organisationarea_unique_active_country",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.municipality or self.country}"

    @property
    def is_national(self) -> bool:
        return self.country_id is not None
