from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import Organisation
from strom.core.text import NOTE_MAX, refuse_control_characters
from strom.directory.forms import NeedChoiceField, OrganisationField
from strom.directory.models import NeedTerm
from strom.pathways.models import Agreement, Audience, NationalMechanism, Phase, Step


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

    def __init__(self, *args, municipalities, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda version: (
            f"{version.pathway.municipality.name}: {version.pathway.title} (v{version.number})"
        )

    def clean(self):
        data = super().clean()
        source = data.get("source")
        if source is not None and source.pathway.audience != data.get("audience"):
            self.add_error("source", _("Choose a pathway for the same group, or the template."))
        return data


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
        help_text=_("At most %(limit)d MB. Only the parties and the coordinators can open it.")
        % {"limit": settings.STROM_MAX_UPLOAD_MB},
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
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
