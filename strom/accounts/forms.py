from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from strom.accounts.models import Municipality, Organisation, User
from strom.accounts.roles import Role
from strom.core.text import refuse_control_characters

GENERIC_SIGN_IN_ERROR = _(
    "The username or password is not right, or the account cannot sign in at the moment. "
    "After several failed attempts an account is locked for a while."
)


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None:
                if getattr(self.request, "axes_locked_out", False):
                    make_password(password)  # the same work as a real check: no timing oracle
                raise ValidationError(GENERIC_SIGN_IN_ERROR, code="invalid_login")
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class InvitationForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=())
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation link goes to this address and works once."),
        validators=[refuse_control_characters],
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]


class RegistrationForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and . @ + - _ only. You sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[refuse_control_characters]
    )
    last_name = forms.CharField(label=_("Last name"), max_length=150, validators=[refuse_control_characters])
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words make a strong password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email="", **kwargs):
        self.email = email  # the invited address: a password must not be made of it
        super().__init__(*args, **kwargs)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken. Please choose another."), code="username_taken")
        return username

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=self.email,
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("thing", "Name"),
        max_length=100,
        validators=[refuse_control_characters],
        help_text=_("What the token is for, so that you can recognise it later."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=settings.STROM_API_TOKEN_MAX_DAYS, initial=90
    )


class MunicipalityForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["country", "name"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "country", "municipality", "is_active"]

    def clean(self):
        data = super().clean()
        country, municipality = data.get("country"), data.get("municipality")
        if country and municipality and municipality.country_id != country.pk:
            self.add_error("municipality", _("This municipality is in another country."))
        return data


class StromPasswordChangeForm(PasswordChangeForm):
    def save(self, commit=True):
        from strom.accounts.actions import do_set_password

        do_set_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"], reason="changed"
        )
        return self.user


class StromSetPasswordForm(SetPasswordForm):
    """Password reset: the new password ends every session and token; sign-in still asks for the
    second factor afterwards."""

    def save(self, commit=True):
        from strom.accounts.actions import do_set_password

        do_set_password(
            actor=None, user=self.user, password=self.cleaned_data["new_password1"], reason="reset"
        )
        return self.user


class StromPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        from strom.core.tasks import send_email

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email(to_email, subject, body)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        where = obj.municipality.name if obj.municipality else _("national level")
        return f"{obj.name} ({where})"


class GrantAreaForm(forms.Form):
    """Choose an organisation to record as serving a municipality, or to appoint for the country."""

    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
