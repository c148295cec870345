from django import forms
from django.utils.translation import gettext_lazy as _

from strom.accounts.queries import organisation_works_in
from strom.directory.actions import NOT_SERVING
from strom.directory.languages import language_choices
from strom.directory.models import Location, NeedTerm, Service
from strom.directory.permissions import can_edit_for
from strom.directory.queries import AGE_GROUP_FIELDS, DirectoryFilter

AGE_GROUP_CHOICES = [
    ("", _("Any age")),
    ("adult", _("Adults")),
    ("child", _("Children")),
    ("unaccompanied_child", _("Unaccompanied children")),
]


class NeedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FilterForm(forms.Form):
    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    need = forms.ChoiceField(label=_("Need"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    age_group = forms.ChoiceField(label=_("Age group"), required=False, choices=AGE_GROUP_CHOICES)
    available_24_7 = forms.BooleanField(label=_("Open 24/7"), required=False)
    unconditional = forms.BooleanField(label=_("Unconditional help"), required=False)
    free_capacity = forms.BooleanField(label=_("Has free places"), required=False)

    def __init__(self, *args, municipalities, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", _("Any need"))] + [
            (n.code, n.name) for n in NeedTerm.objects.all()
        ]
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]
        self.fields["municipality"].choices = [("", _("Any municipality"))] + [
            (str(m.pk), m.name) for m in municipalities
        ]
        self.fields["organisation"].choices = [("", _("Any organisation"))] + [
            (str(o.pk), o.name) for o in organisations
        ]

    def to_filter(self) -> DirectoryFilter:
        if not self.is_valid():
            return DirectoryFilter()
        data = self.cleaned_data
        return DirectoryFilter(
            need=data["need"],
            language=data["language"],
            municipality=data["municipality"],
            organisation=data["organisation"],
            age_group=data["age_group"] if data["age_group"] in AGE_GROUP_FIELDS else "",
            available_24_7=data["available_24_7"],
            unconditional=data["unconditional"],
            free_capacity=data["free_capacity"],
            text=data["text"].strip(),
        )


class ServiceForm(forms.ModelForm):
    needs = NeedChoiceField(
        label=_("Needs met"), queryset=NeedTerm.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "The languages in which the service can help without an interpreter. "
            "Hold Ctrl (Cmd on a Mac) to choose several."
        ),
    )

    class Meta:
        model = Service
        fields = [
            "organisation",
            "municipality",
            "name",
            "description",
            "needs",
            "languages",
            "phone",
            "email",
            "url",
            "is_helpline",
            "referral_contact",
            "serves_adults",
            "serves_children",
            "serves_unaccompanied_children",
            "serves_women",
            "serves_men",
            "serves_other_genders",
            "serves_families",
            "special_needs",
            "exploitation_experience",
            "availability",
            "available_24_7",
            "hours",
            "emergency_response_hours",
            "capacity_total",
            "capacity_free",
            "independent_of_cooperation",
            "open_to_presumed_victims",
            "conditions",
            "time_limit_days",
            "conditions_note",
            "is_free",
            "funding",
            "status",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organisations, municipalities, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label = _("Provided by")
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].label = _("Listed in the directory of")
        if self.instance._state.adding:
            for name, choices in (("organisation", organisations), ("municipality", municipalities)):
                if len(choices) == 1:
                    self.initial[name] = choices[0].pk
        self.fields["languages"].choices = language_choices()
        if not self.instance._state.adding:
            self.initial["languages"] = [lang.code for lang in self.instance.languages.all()]

    def clean(self):
        data = super().clean()
        total, free = data.get("capacity_total"), data.get("capacity_free")
        if total is not None and free is not None and free > total:
            self.add_error("capacity_free", _("There cannot be more free places than places in all."))
        if not any(
            data.get(f) for f in ("serves_adults", "serves_children", "serves_unaccompanied_children")
        ):
            self.add_error("serves_adults", _("Choose at least one age group."))
        organisation, municipality = data.get("organisation"), data.get("municipality")
        if organisation and municipality:
            self._check_where(organisation, municipality)
        return data

    def _check_where(self, organisation, municipality) -> None:
        if not can_edit_for(self.access, organisation.pk, municipality.pk):
            self.add_error(
                "municipality",
                _("You can list this organisation's services only in the municipalities it serves."),
            )
            return
        # Before _post_clean, the instance still holds the stored organisation and municipality.
        stored = (self.instance.organisation_id, self.instance.municipality_id)
        moved = self.instance._state.adding or stored != (organisation.pk, municipality.pk)
        if moved and not organisation_works_in(organisation, municipality):
            self.add_error("organisation", NOT_SERVING)


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "address_1", "postal_code", "city", "latitude", "longitude", "is_confidential"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = False
        self.fields["name"].label = _("Location name")

    def has_location(self) -> bool:
        return bool(self.cleaned_data.get("name") or self.cleaned_data.get("address_1"))

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        if (data.get("address_1") or data.get("latitude") is not None) and not data.get("name"):
            # The name is optional: a public location is named by its street. A shelter's name shows in
            # lists to every member, so it never repeats the confidential street.
            confidential = data.get("is_confidential")
            data["name"] = str(
                _("Confidential location") if confidential else data.get("address_1") or _("Location")
            )
        return data


class CapacityForm(forms.Form):
    capacity_free = forms.IntegerField(label=_("Free places now"), min_value=0, max_value=100000)

    def __init__(self, *args, service, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def clean_capacity_free(self):
        free = self.cleaned_data["capacity_free"]
        if self.service.capacity_total is not None and free > self.service.capacity_total:
            raise forms.ValidationError(
                _("There cannot be more free places than places in all (%(total)d).")
                % {"total": self.service.capacity_total}
            )
        return free
