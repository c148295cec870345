from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import Organisation
from strom.core.text import NOTE_MAX, other_language, refuse_control_characters
from strom.directory.forms import NeedChoiceField, OrganisationField
from strom.directory.models import NeedTerm
from strom.pathways.country_rules import language_of
from strom.pathways.models import Agreement, Audience, NationalMechanism, Phase, ReflectionFor, Step


class CreatePathwayForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None, empty_label=None)
    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices)
    source = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=None,
        required=False,
        empty_label=_("Strom's template for this group"),
        help_text=_("Or copy the published pathway of another municipality, then adapt it."),
    )
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=settings.LANGUAGES,
        help_text=_(
            "The template's texts are filled in in this language. A copy of another municipality's "
            "pathway keeps the language it was written in."
        ),
    )

    def __init__(self, *args, municipalities, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda version: (
            f"{version.pathway.municipality.name}: {version.pathway.title} "
            f"(v{version.number}, {version.pathway.get_language_display()})"
        )
        self.fields["language"].initial = _language_of_municipalities(municipalities)

    def clean(self):
        data = super().clean()
        source = data.get("source")
        if source is not None and source.pathway.audience != data.get("audience"):
            self.add_error("source", _("Choose a pathway for the same group, or the template."))
        return data


def _language_of_municipalities(municipalities) -> str:
    """The language of the municipalities' country when they share one, else the user's."""
    fallback = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    countries = set(municipalities.values_list("country_id", flat=True)[:100])
    return language_of(countries.pop(), fallback) if len(countries) == 1 else fallback


class OrganisationChoiceField(OrganisationField):
    def label_from_instance(self, obj):
        return obj.name if obj.municipality_id else _("%(name)s (national)") % {"name": obj.name}


class StepForm(forms.ModelForm):
    responsible = OrganisationChoiceField(label=_("Responsible organisation"), queryset=None, required=False)
    backup = OrganisationChoiceField(
        label=_("Backup organisation"),
        queryset=None,
        required=False,
        help_text=_("Takes over when the responsible organisation cannot be reached."),
    )
    needs = NeedChoiceField(
        label=_("Needs covered"),
        queryset=NeedTerm.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Step
        fields = [
            "title",
            "description",
            "position",
            "responsible",
            "backup",
            "contact_function",
            "contact_phone",
            "contact_reachable_24_7",
            "requires_24_7",
            "max_response_hours",
            "needs",
            "for_adults",
            "for_children",
            "for_nationals",
            "for_foreign_nationals",
            "handover",
            "decision",
            "legal_basis",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        # Only organisations that work in the municipality are offered; one the step already names stays
        # valid after its grant ends, so that the step can still be edited (the health check flags it).
        stored = [pk for pk in (self.instance.responsible_id, self.instance.backup_id) if pk]
        offered = partners | Organisation.objects.filter(pk__in=stored) if stored else partners
        self.fields["responsible"].queryset = offered
        self.fields["backup"].queryset = offered
        self._mark_written_language()

    def _mark_written_language(self) -> None:
        """The texts are typed in the pathway's language: say so to screen readers and spell checkers
        when it is not the page's."""
        language = other_language(self.instance.stage.pathway.language if self.instance.stage_id else "")
        if not language:
            return
        for name in ("title", "description", "contact_function", "legal_basis"):
            self.fields[name].widget.attrs["lang"] = language

    def clean(self):
        data = super().clean()
        responsible, backup = data.get("responsible"), data.get("backup")
        if responsible is not None and responsible == backup:
            self.add_error("backup", _("The backup must be another organisation than the responsible one."))
        if not data.get("for_adults") and not data.get("for_children"):
            self.add_error("for_adults", _("Choose adults, children or both."))
        if not data.get("for_nationals") and not data.get("for_foreign_nationals"):
            self.add_error("for_nationals", _("Choose nationals, foreign nationals or both."))
        return data


class StageNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for this stage"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[refuse_control_characters],
    )


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=300,
        validators=[refuse_control_characters],
        help_text=_("A line for the history, for example: new shelter provider from March."),
    )


PDF_MAGIC = b"%PDF-"


def check_pdf(upload) -> None:
    """A signed agreement must be a PDF by its content, not by its name, and not too large."""
    limit = settings.STROM_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": settings.STROM_MAX_UPLOAD_MB}
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.startswith(PDF_MAGIC):
        raise forms.ValidationError(_("The file is not a PDF document."))


class AgreementForm(forms.ModelForm):
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two or more organisations."),
    )
    steps = forms.ModelMultipleChoiceField(
        label=_("Steps covered"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    needs = NeedChoiceField(
        label=_("Needs covered"),
        queryset=NeedTerm.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Agreement.Status.DRAFT, Agreement.Status.DRAFT.label),
            (Agreement.Status.ACTIVE, Agreement.Status.ACTIVE.label),
            (Agreement.Status.TERMINATED, Agreement.Status.TERMINATED.label),
        ],
        help_text=_("An active agreement counts as expired once its end date has passed."),
    )
    document = forms.FileField(
        label=_("Signed document (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        model = Agreement
        fields = ["title", "parties", "steps", "needs", "signed_on", "valid_from", "valid_until", "status"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, partners, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = partners
        self.fields["steps"].queryset = steps
        # Filled in per form, not in the class body: "%" on a lazy text translates it at once, so at
        # import time it would stay in English for everyone.
        self.fields["document"].help_text = _(
            "At most %(limit)d MB. Only the parties and the coordinators can open it."
        ) % {"limit": settings.STROM_MAX_UPLOAD_MB}
        self.fields["steps"].label_from_instance = lambda step: (
            f"{Phase(step.stage.phase).label}: {step.title} ({step.stage.pathway.get_audience_display()})"
        )

    def clean_parties(self):
        parties = self.cleaned_data["parties"]
        if len(parties) < 2:
            raise forms.ValidationError(_("An agreement has at least two parties."))
        return parties

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            check_pdf(upload)
        return upload


class NationalMechanismForm(forms.ModelForm):
    """The country's national referral mechanism and its rules, each group of rules with its source.
    Bad input saves nothing: every rule a group states needs the source it comes from."""

    # The groups of rules that need a source: (fields that fill the group, source, checked).
    SOURCED = (
        (("identifying_authority", "identifying_kind"), "identification_source", "identification_verified"),
        (
            ("reflection_for", "reflection_days", "reflection_start", "reflection_granted_by"),
            "reflection_source",
            "reflection_verified",
        ),
        (
            ("programme_name", "programme_days", "programme_presumed_days", "programme_after"),
            "programme_source",
            "programme_verified",
        ),
    )
    YES_NO = ((True, _("Yes")), (False, _("No")))

    # An unanswered question keeps the usual answer: EU members are bound by both (a browser always
    # sends the ticked radio; only a hand-made request leaves it out).
    bound_by_directive = forms.TypedChoiceField(
        label=_("Is the country bound by Directive 2011/36/EU?"),
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        empty_value=True,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Denmark opted out of the Directive; Norway and Iceland are outside the EU."),
    )
    bound_by_convention = forms.TypedChoiceField(
        label=_("Is the country bound by the Council of Europe Convention (CETS 197)?"),
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        empty_value=True,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Templates and cards cite only the instruments that bind the country."),
    )

    class Meta:
        model = NationalMechanism
        fields = [
            "focal_point",
            "phone",
            "email",
            "website",
            "available_24_7",
            "transnational_contact",
            "transnational_phone",
            "notes",
            "emergency_number",
            "hotline_name",
            "hotline_phone",
            "identifying_authority",
            "identifying_kind",
            "identification_source",
            "identification_verified",
            "reflection_days",
            "reflection_for",
            "reflection_start",
            "reflection_granted_by",
            "reflection_source",
            "reflection_verified",
            "programme_name",
            "programme_days",
            "programme_presumed_days",
            "programme_after",
            "programme_source",
            "programme_verified",
            "bound_by_directive",
            "bound_by_convention",
            "instruments_source",
            "instruments_verified",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "reflection_for": forms.RadioSelect}
        help_texts = {
            "reflection_start": _(
                "For example: the decision on reasonable grounds, or recognition as a victim."
            ),
            "reflection_granted_by": _("The authority that decides, usually the migration authority."),
            "emergency_number": _("Leave empty for 112."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["emergency_number"].required = False
        # Radios without an empty choice: an unanswered question is simply left unanswered.
        self.fields["reflection_for"].choices = ReflectionFor.choices

    def clean_emergency_number(self):
        return self.cleaned_data.get("emergency_number") or "112"

    def clean(self):
        data = super().clean()
        for fields, source, verified in self.SOURCED:
            filled = any(data.get(name) not in (None, "") for name in fields) or data.get(verified)
            if filled and not data.get(source):
                self._refuse(
                    source, _("Name the source of these rules: the law or document, with its article.")
                )
        if data.get("identification_source") and not data.get("identifying_authority"):
            self._refuse("identifying_authority", _("Say who decides on reasonable grounds and identifies."))
        self._clean_reflection(data)
        if (data.get("programme_source") or data.get("programme_days")) and not data.get("programme_name"):
            self._refuse("programme_name", _("Name the state assistance programme."))
        # Saying that an instrument does not bind the country, or ticking "checked", needs a source.
        not_bound = False in (data.get("bound_by_directive"), data.get("bound_by_convention"))
        if (not_bound or data.get("instruments_verified")) and not data.get("instruments_source"):
            self._refuse(
                "instruments_source", _("Name the source that says which instruments bind the country.")
            )
        return data

    def _clean_reflection(self, data) -> None:
        granted_to, days = data.get("reflection_for"), data.get("reflection_days")
        texts = ("reflection_start", "reflection_granted_by", "reflection_source")
        if not granted_to and (days or any(data.get(name) for name in texts)):
            self._refuse(
                "reflection_for", _("Choose whom the law grants the reflection period, or that it has none.")
            )
        elif granted_to == ReflectionFor.NOBODY and days:
            self._refuse("reflection_days", _("The law has no reflection period: leave the days empty."))
        elif granted_to and granted_to != ReflectionFor.NOBODY and not days:
            self._refuse("reflection_days", _("Enter how many days the reflection period lasts."))

    def _refuse(self, field: str, message) -> None:
        """One message per field: a field that is already wrong (too long, not a number) keeps its own."""
        if field not in self.errors:
            self.add_error(field, message)
