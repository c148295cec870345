from itertools import groupby

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from strom.accounts.models import Municipality, Organisation
from strom.accounts.queries import organisation_works_in
from strom.core.text import refuse_control_characters
from strom.directory import queries
from strom.directory.actions import NOT_SERVING
from strom.directory.areas import NAME_MAX, AreaRow, check_areas
from strom.directory.languages import language, language_choices
from strom.directory.models import Availability, Location, NeedTerm, Service, SpecialNeed
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
    special_need = forms.ChoiceField(
        label=_("Special need"),
        required=False,
        choices=[("", _("Any special need")), *SpecialNeed.choices],
    )
    availability = forms.ChoiceField(
        label=_("Offered"),
        required=False,
        choices=[("", _("Today or if asked")), *Availability.choices],
    )
    # Both only where the provider confirmed it: an unanswered question never passes a filter.
    unconditional = forms.BooleanField(label=_("Unconditional help"), required=False)
    presumed_victims = forms.BooleanField(label=_("Open to presumed victims"), required=False)
    families = forms.BooleanField(label=_("Families with children"), required=False)
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
            presumed_victims=data["presumed_victims"],
            special_need=data["special_need"],
            families=data["families"],
            availability=data["availability"],
            free_capacity=data["free_capacity"],
            text=data["text"].strip(),
        )


class LanguagePicker(forms.CheckboxSelectMultiple):
    """A checkbox for each language, named in its own language (marked with its lang attribute) and the
    reader's; field.html adds the box that filters them (strom.js)."""

    filterable = True
    filter_label = _("Find a language")

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        named = language(value)
        option["attrs"]["data-filter-text"] = named.search_text
        if named.own_name:
            reader = f" ({named.reader_name})" if named.reader_name else ""
            option["label"] = format_html('<span lang="{}">{}</span>{}', value, named.own_name, reader)
        return option


class _ByKind(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        organisations = list(self.queryset)
        own = [o for o in organisations if str(o.pk) in self.field.own]
        if own:
            yield (_("Your organisation"), [self.choice(o) for o in own])
        kinds = {kind: index for index, kind in enumerate(Organisation.Kind.values)}
        others = sorted(
            (o for o in organisations if o not in own),
            key=lambda o: (kinds.get(o.kind, len(kinds)), o.kind, o.name),
        )
        for kind, group in groupby(others, key=lambda o: o.kind):
            label = Organisation.Kind(kind).label if kind in kinds else kind
            yield (label, [self.choice(o) for o in group])


class OrganisationField(forms.ModelChoiceField):
    """Organisations grouped by kind (optgroups), those in `own` (ids) first. Only the display is grouped:
    a choice is checked against the queryset as usual."""

    iterator = _ByKind

    def __init__(self, *args, **kwargs):
        self.own: frozenset[str] = frozenset()
        super().__init__(*args, **kwargs)


class MunicipalityPicker(forms.CheckboxSelectMultiple):
    """A checkbox for each municipality, with the box that filters them (a country has up to 79)."""

    filterable = True
    filter_label = _("Find a municipality")

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-filter-text"] = str(label).lower()
        return option


AREA_OWN, AREA_MUNICIPALITIES, AREA_COUNTRY = "own", "municipalities", "country"
AREA_CHOICES = [
    (AREA_OWN, _("Only in the municipality that lists it")),
    (AREA_MUNICIPALITIES, _("In these municipalities too")),
    (AREA_COUNTRY, _("In the whole country")),
]


class AnswerRadios(forms.RadioSelect):
    """Yes, no, or not answered yet, for a question the provider answers (None: not answered)."""

    def format_value(self, value):
        answer = {True: "true", False: "false", "True": "true", "False": "false"}.get(value, value)
        return [answer if answer in ("true", "false") else "unknown"]


class AnswerField(forms.NullBooleanField):
    """A yes/no question that starts unanswered: nothing is promised until the provider says so."""

    def __init__(self, *, yes, no, **kwargs):
        choices = [("true", yes), ("false", no), ("unknown", _("Not answered yet by the provider"))]
        super().__init__(widget=AnswerRadios(choices=choices), required=False, **kwargs)


class ServiceForm(forms.ModelForm):
    # Conditions (issue 9): each part of "unconditional" and the cost is answered by the provider.
    independent_of_cooperation = AnswerField(
        label=_("Help without cooperating with the police?"),
        yes=_("Yes: nobody has to talk to the police or take part in criminal proceedings"),
        no=_("No: only for people who cooperate with the police"),
    )
    open_to_presumed_victims = AnswerField(
        label=_("Help without formal identification as a victim?"),
        yes=_("Yes: presumed and potential victims are helped too"),
        no=_("No: only after formal identification as a victim"),
    )
    is_free = AnswerField(
        label=_("Free for the person?"),
        yes=_("Yes: the person pays nothing"),
        no=_("No: the person may have to pay"),
    )
    availability = forms.ChoiceField(
        label=_("Availability"),
        choices=Availability.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "A provider that could offer this help if asked is listed too, so that a coordinator knows "
            "whom to ask. It is not shown on the public page and not offered in matching."
        ),
    )
    needs = NeedChoiceField(
        label=_("Needs met"), queryset=NeedTerm.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    organisation = OrganisationField(label=_("Provided by"), queryset=Organisation.objects.none())
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=(),
        widget=LanguagePicker,
        help_text=_("The languages in which the service can help without an interpreter."),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a language code Strom knows. "
                "Use a two-letter ISO 639-1 code, such as lv or ru."
            )
        },
    )

    # Where the service works besides the municipality that lists it (issue 9): not model fields, the
    # view hands `areas` (set by clean) to do_save_service, which writes the ServiceArea rows.
    area_scope = forms.ChoiceField(
        label=_("The service works"),
        choices=AREA_CHOICES,
        initial=AREA_OWN,
        required=False,  # left out (a client that predates areas): the stored areas stay
        widget=forms.RadioSelect,
        help_text=_(
            "It always works in the municipality that lists it. The whole country is for an organisation "
            "appointed nationally."
        ),
    )
    area_municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities it serves too"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=MunicipalityPicker,
        help_text=_("For “In these municipalities too”. You can choose where the organisation works."),
    )
    area_name = forms.CharField(
        label=_("Name of the area"),
        required=False,
        max_length=NAME_MAX,
        validators=[refuse_control_characters],
        help_text=_("For example a region, such as Vidzeme."),
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
        self.fields["time_limit_days"].widget.attrs.update(min=1, max=3650)
        provider = self.fields["organisation"]
        # A listing that stays with its organisation may be changed after the organisation stopped working
        # there (actions._require_works_in); a new choice comes from the organisations the person may list.
        kept = Organisation.objects.filter(pk=self.instance.organisation_id)
        provider.queryset = organisations if self.instance._state.adding else organisations | kept
        provider.own = frozenset(seat.organisation_id for seat in access.seats)
        provider.label = _("Provided by")
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].label = _("Listed in the directory of")
        if self.instance._state.adding:
            for name, choices in (("organisation", organisations), ("municipality", municipalities)):
                if len(choices) == 1:
                    self.initial[name] = choices[0].pk
        # Codes stored before (an HSDS import may bring ISO 639-3 ones) stay valid for this service.
        stored = [] if self.instance._state.adding else [lang.code for lang in self.instance.languages.all()]
        if stored:
            self.initial["languages"] = stored
        picker = self.fields["languages"]
        chosen = picker.widget.value_from_datadict(self.data, self.files, self.add_prefix("languages"))
        picker.choices = language_choices(first=chosen if self.is_bound else stored, extra=stored)
        self._set_up_areas(municipalities)

    def _set_up_areas(self, municipalities) -> None:
        """The municipalities the person may choose (where they may list services), in the listing
        municipality's country, and those the service already serves, so that saving keeps them."""
        self.stored_areas = queries.stored_areas(self.instance)
        kept = [area.municipality_id for area in self.stored_areas if area.municipality_id]
        choices = Municipality.objects.filter(Q(pk__in=municipalities.values("pk")) | Q(pk__in=kept))
        listing = self.instance.municipality if self.instance.municipality_id else None
        if listing is not None:
            choices = choices.filter(country_id=listing.country_id).exclude(pk=listing.pk)
        self.fields["area_municipalities"].queryset = choices.select_related("country").order_by("name")
        self.areas: list[AreaRow] | None = None
        if any(area.country_id for area in self.stored_areas):
            self.initial["area_scope"] = AREA_COUNTRY
        elif kept:
            self.initial["area_scope"] = AREA_MUNICIPALITIES
            self.initial["area_municipalities"] = kept
            self.initial["area_name"] = next((a.name for a in self.stored_areas if a.name), "")

    def clean_availability(self):
        # Not required: a form or an API call that does not send it keeps what is stored (new: today).
        return self.cleaned_data.get("availability") or self.instance.availability or Availability.EXISTING

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
            self._check_areas(organisation, municipality)
        return data

    def _check_areas(self, organisation, municipality) -> None:
        """The same rules as do_save_service's (strom/directory/areas.py), named on the form."""
        scope, name = self.cleaned_data.get("area_scope"), self.cleaned_data.get("area_name", "")
        if not scope:
            self.areas = None  # do_save_service keeps the stored ones
            return
        chosen = [m for m in self.cleaned_data.get("area_municipalities") or [] if m.pk != municipality.pk]
        if scope == AREA_MUNICIPALITIES and not chosen:
            self.add_error(
                "area_municipalities",
                _("Choose the municipalities it serves too, or “Only in the municipality that lists it”."),
            )
            return
        if scope == AREA_COUNTRY:
            rows = [AreaRow(country=municipality.country_id)]
        elif scope == AREA_MUNICIPALITIES:
            rows = [AreaRow(municipality=m, name=name) for m in chosen]
        else:
            rows = []
        if not rows:
            self.areas = []
            return
        same_hands = self.instance.organisation_id == organisation.pk
        checked = check_areas(
            rows,
            listing=municipality,
            organisation_name=organisation.name,
            scope=queries.area_scope(self.access, organisation),
            stored=frozenset(_key(area) for area in self.stored_areas) if same_hands else frozenset(),
        )
        field = "area_scope" if scope == AREA_COUNTRY else "area_municipalities"
        for message in checked.invalid + checked.refused:
            self.add_error(field, message)
        self.areas = checked.rows

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


def _key(area) -> str:
    return AreaRow(area.municipality, area.country_id).key


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
