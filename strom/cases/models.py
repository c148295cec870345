"""The case record: a pseudonymous case, its two tracks with dated transitions, and its optional
identifying data.

A case is known by an opaque code, never by a name. The facts kept in the clear are the ones statistics
need and that do not point at a person (age band, sex, nationality, forms of exploitation). Whatever
identifies the person is in CaseIdentity, sealed with the base's field encryption (security.md 12), with
keyed blind indexes beside it for the duplicate warning. Tracks and facts change only through
strom/cases/actions.py, which checks `version` so that a stale edit is refused, not saved over another.
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import Municipality, Organisation
from strom.cases.fields import EncryptedDateField
from strom.core.blind_index import blind_index, normalise
from strom.core.code_sets import CodeSetField
from strom.core.exploitation import ExploitationForm
from strom.core.fields import EncryptedCharField, EncryptedTextField
from strom.core.text import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX, long_text, refuse_control_characters

# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand:
# no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
CODE_RANDOM_LENGTH = 4

country_code_validator = RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter country code, such as LV."))


def municipality_short_code(municipality: Municipality) -> str:
    """Three letters from the municipality's public short name ("testupe" -> "TES"): a place, never a
    person."""
    letters = [c for c in (municipality.slug or "").upper() if "A" <= c <= "Z"]
    return ("".join(letters) + "XXX")[:3]


def new_case_code(municipality: Municipality, year: int) -> str:
    """ "LV-TES-2026-7F3K": country, municipality, year, and random characters. Nothing in it comes from
    the person, so the code can be said on the phone or written on a form without revealing anyone."""
    random_part = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_RANDOM_LENGTH))
    return f"{municipality.country_id}-{municipality_short_code(municipality)}-{year}-{random_part}"


class Case(models.Model):
    class Phase(models.TextChoices):
        SIGNAL = "signal", _("Signal")
        FIRST_ASSISTANCE = "first_assistance", _("First assistance and protection")
        LONG_TERM = "long_term", _("Long-term assistance and social inclusion")
        RETURN = "return", _("Return and reintegration")
        CLOSED = "closed", _("Closed")

    class Identification(models.TextChoices):
        NOT_ASSESSED = "not_assessed", _("Not assessed")
        PRESUMED = "presumed", _("Presumed victim")
        REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable grounds")
        IDENTIFIED = "identified", _("Formally identified")
        NOT_IDENTIFIED_ASSISTED = "not_identified_assisted", _("Not identified, still assisted")

    class AgeBand(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        UNDER_12 = "0-11", _("0 to 11")
        FROM_12 = "12-17", _("12 to 17")
        FROM_18 = "18-24", _("18 to 24")
        FROM_25 = "25-34", _("25 to 34")
        FROM_35 = "35-49", _("35 to 49")
        FROM_50 = "50-64", _("50 to 64")
        FROM_65 = "65+", _("65 or older")

    class Sex(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class AgeGroup(models.TextChoices):
        ADULT = "adult", _("Adult")
        CHILD = "child", _("Child")
        # The presumption of minority (Directive 2011/36/EU Art. 13(2)): treated as a child.
        UNCERTAIN = "uncertain", _("Age uncertain, treated as a child")

    class CameToLight(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        SELF = "self", _("The person came forward")
        FAMILY = "family", _("Family or friends")
        NGO = "ngo", _("A non-governmental organisation")
        SOCIAL_SERVICES = "social_services", _("Social services")
        POLICE = "police", _("Police or border guard")
        LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
        HEALTH = "health", _("Health care")
        HOTLINE = "hotline", _("A hotline")
        FROM_ABROAD = "from_abroad", _("Referred from abroad")
        OTHER = "other", _("Other")

    # Facts that are recorded and never gate anything (RECORDED_ONLY_FACTS below).
    class Cooperation(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_ASKED = "not_asked", _("Not asked")

    class Proceedings(models.TextChoices):
        NONE = "none", _("None")
        REPORTED = "reported", _("Reported to the police")
        INVESTIGATION = "investigation", _("Under investigation")
        PROSECUTION = "prosecution", _("Prosecution")
        TRIAL = "trial", _("Trial")
        CONCLUDED = "concluded", _("Concluded")

    class Compensation(models.TextChoices):
        NONE = "none", _("None")
        PLANNED = "planned", _("Planned")
        FILED = "filed", _("Filed")
        AWARDED = "awarded", _("Awarded")
        REFUSED = "refused", _("Refused")

    class ResidencePermit(models.TextChoices):
        NOT_APPLICABLE = "not_applicable", _("Not applicable")
        APPLIED = "applied", _("Applied for")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("case code"), max_length=24, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cases", verbose_name=_("municipality")
    )
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_cases", verbose_name=_("lead organisation")
    )
    caseworkers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_cases", blank=True, verbose_name=_("caseworkers")
    )
    # The two tracks: changed only by actions, each change recorded as a CaseTransition.
    assistance_phase = models.CharField(
        _("assistance phase"), max_length=20, choices=Phase.choices, default=Phase.SIGNAL, editable=False
    )
    identification_status = models.CharField(
        _("identification status"),
        max_length=30,
        choices=Identification.choices,
        default=Identification.NOT_ASSESSED,
        editable=False,
    )
    # Non-identifying facts, in the clear for statistics.
    age_band = models.CharField(
        _("age band"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age_group = models.CharField(
        _("child or adult"), max_length=10, choices=AgeGroup.choices, default=AgeGroup.ADULT
    )
    nationality = models.CharField(
        _("nationality"),
        max_length=2,
        blank=True,
        validators=[refuse_control_characters, country_code_validator],
    )
    exploitation_country = models.CharField(
        _("country of exploitation"),
        max_length=2,
        blank=True,
        validators=[refuse_control_characters, country_code_validator],
    )
    exploitation_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality of exploitation"),
    )
    exploitation_forms = CodeSetField(_("forms of exploitation"), codes=ExploitationForm)
    came_to_light = models.CharField(
        _("how the case came to light"),
        max_length=20,
        choices=CameToLight.choices,
        default=CameToLight.UNKNOWN,
    )
    # Recorded and never gating anything: assistance is unconditional (CoE Convention Art. 12(6),
    # Directive 2011/36/EU Art. 11(3)), so no permission, action or transition reads these; they are
    # kept in the clear so that monitoring can see that it stays so (tests/test_case_facts.py).
    cooperates_with_authorities = models.CharField(
        _("cooperates with the authorities"),
        max_length=20,
        choices=Cooperation.choices,
        default=Cooperation.UNKNOWN,
    )
    proceedings = models.CharField(
        _("criminal proceedings"), max_length=20, choices=Proceedings.choices, default=Proceedings.NONE
    )
    compensation = models.CharField(
        _("compensation claim"), max_length=20, choices=Compensation.choices, default=Compensation.NONE
    )
    residence_permit = models.CharField(
        _("residence permit"),
        max_length=20,
        choices=ResidencePermit.choices,
        default=ResidencePermit.NOT_APPLICABLE,
    )
    non_punishment_raised = models.BooleanField(
        _("non-punishment raised"),
        default=False,
        help_text=_("For offences the person was compelled to commit."),
    )
    referred_from_abroad_by = models.CharField(
        _("referred to us from abroad by"),
        max_length=NAME_MAX,
        blank=True,
        validators=[refuse_control_characters],
        help_text=_("For a returning national: the foreign referral mechanism or organisation."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["lead_organisation", "-created_at"], name="case_lead_recent"),
            models.Index(fields=["municipality", "-created_at"], name="case_municipality_recent"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.assistance_phase == self.Phase.CLOSED


# The facts above that are recorded and never gate anything: only do_open_case and do_save_facts
# (strom/cases/actions.py) write them, and nothing decides anything by them.
RECORDED_ONLY_FACTS = (
    "cooperates_with_authorities",
    "proceedings",
    "compensation",
    "residence_permit",
    "non_punishment_raised",
    "referred_from_abroad_by",
)


class CaseTransition(models.Model):
    """One dated step on one track. Written only by actions; never changed afterwards."""

    class Track(models.TextChoices):
        ASSISTANCE = "assistance", _("Assistance phase")
        IDENTIFICATION = "identification", _("Identification status")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    from_value = models.CharField(
        _("from"), max_length=30, blank=True, validators=[refuse_control_characters]
    )
    to_value = models.CharField(_("to"), max_length=30, validators=[refuse_control_characters])
    occurred_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = EncryptedTextField(_("note"), blank=True, validators=long_text(NOTE_MAX))

    class Meta:
        ordering = ["-occurred_on", "-recorded_at"]
        indexes = [models.Index(fields=["case", "-occurred_on"], name="case_transition_recent")]

    def __str__(self) -> str:
        return f"{self.track}: {self.from_value} -> {self.to_value}"


class CaseIdentity(models.Model):
    """What identifies the person, when the case needs it at all: every value sealed, readable only by
    the case's caseworkers (strom/cases/queries.py). The blind indexes find the same person in another
    case without storing anything a guess could be checked against (strom/core/blind_index.py)."""

    NAME_AND_BIRTH_PURPOSE = "cases.identity.name_and_birth"
    DOCUMENT_PURPOSE = "cases.identity.document_number"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="identity")
    name = EncryptedCharField(
        _("name or alias"), max_length=200, blank=True, validators=[refuse_control_characters]
    )
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    contact_details = EncryptedTextField(_("contact details"), blank=True, validators=long_text(NOTE_MAX))
    document_number = EncryptedCharField(
        _("document number"), max_length=100, blank=True, validators=[refuse_control_characters]
    )
    narrative = EncryptedTextField(_("narrative note"), blank=True, validators=long_text(DESCRIPTION_MAX))
    name_and_birth_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    document_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("case identities")

    def __str__(self) -> str:
        return f"identity of {self.case_id}"

    def refresh_indexes(self) -> None:
        """Recompute the blind indexes from this row's values (empty where a part is missing)."""
        self.name_and_birth_index = (
            # The name is normalised on its own first, so that a trailing space before the separator
            # does not make the same person a different one.
            blind_index(
                f"{normalise(self.name)}|{self.date_of_birth.isoformat()}",
                purpose=self.NAME_AND_BIRTH_PURPOSE,
            )
            if self.name and self.date_of_birth
            else ""
        )
        self.document_index = (
            blind_index(self.document_number, purpose=self.DOCUMENT_PURPOSE) if self.document_number else ""
        )
