from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from strom.accounts import actions, otp
from strom.accounts.forms import (
    CodeForm,
    RegistrationForm,
    SignInForm,
    StromPasswordChangeForm,
    StromPasswordResetForm,
    StromSetPasswordForm,
)
from strom.accounts.middleware import SESSION_ENDED_FLAG, start_session_clock
from strom.core.access import password_step_view, public_view
from strom.core.audit import Severity, log_event
from strom.core.ratelimit import rate_limited

NEXT_KEY = "strom_next"
NEW_BACKUP_CODES_KEY = "strom_new_backup_codes"


def _safe_next(request, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _after_second_factor(request) -> HttpResponseRedirect:
    return redirect(_safe_next(request, request.session.pop(NEXT_KEY, None)) or settings.LOGIN_REDIRECT_URL)


def _activate_language(response, user):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.preferred_language,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
    )
    return response


@public_view
@rate_limited("sign_in_ip", failures_only=True)  # per username: django-axes' lockout
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(settings.LOGIN_REDIRECT_URL)
    session_ended = request.session.pop(SESSION_ENDED_FLAG, False)
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = _safe_next(request, request.GET.get("next"))
        login(request, form.user)  # a new session key: no fixation
        start_session_clock(request)
        if next_url:
            request.session[NEXT_KEY] = next_url
        target = "accounts:two_factor" if otp.has_second_factor(form.user) else "accounts:two_factor_setup"
        return _activate_language(redirect(target), form.user)
    return render(request, "accounts/sign_in.html", {"form": form, "session_ended": session_ended})


@password_step_view
@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:sign_in")


@password_step_view
@rate_limited("two_factor_user", "two_factor_ip", failures_only=True)
@require_http_methods(["GET", "POST"])
def two_factor(request):
    if request.user.is_verified():
        return _after_second_factor(request)
    if not otp.has_second_factor(request.user):
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.verify_second_factor(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            log_event(actor=request.user, action="auth.sign_in.second_factor_accepted", obj=request.user)
            return _after_second_factor(request)
        log_event(
            actor=request.user,
            action="auth.sign_in.second_factor_failed",
            obj=request.user,
            severity=Severity.NOTICE,
        )
        form.add_error("code", _("That code is not right, or it has been used already. Please try again."))
    return render(request, "accounts/two_factor.html", {"form": form})


@password_step_view
@rate_limited("two_factor_user", "two_factor_ip", failures_only=True)
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if otp.has_second_factor(request.user):
        return redirect("accounts:two_factor")
    device = otp.pending_totp_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = actions.do_confirm_totp(actor=request.user, code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, otp.confirmed_totp_device(request.user))
            request.session.cycle_key()
            request.session[NEW_BACKUP_CODES_KEY] = codes
            return redirect("accounts:backup_codes")
        form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    context = {
        "form": form,
        "qr_svg": otp_qr_svg(device),
        "secret": otp_secret_for_display(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def otp_qr_svg(device) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#1b1b1f", light="#ffffff", omitsize=True, title=_("QR code for your authenticator app")
    )


def otp_secret_for_display(device) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET"])
def backup_codes(request):
    codes = request.session.pop(NEW_BACKUP_CODES_KEY, None)
    if not codes:
        return redirect("accounts:security")
    formatted = [otp.format_backup_code(code) for code in codes]
    return render(request, "accounts/backup_codes.html", {"codes": formatted})


@require_http_methods(["GET"])
def security(request):
    context = {
        "backup_codes_left": otp.remaining_backup_codes(request.user),
        "token_count": request.user.api_tokens.filter(revoked_at__isnull=True).count(),
    }
    return render(request, "accounts/security.html", context)


@require_POST
def regenerate_backup_codes(request):
    request.session[NEW_BACKUP_CODES_KEY] = actions.do_regenerate_backup_codes(actor=request.user)
    return redirect("accounts:backup_codes")


@require_POST
def sign_out_everywhere(request):
    actions.do_sign_out_everywhere(actor=request.user)
    logout(request)
    messages.info(request, _("You have been signed out on every device, and your API tokens are revoked."))
    return redirect("accounts:sign_in")


@public_view
@require_POST
def set_language(request):
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        actions.do_set_language(actor=request.user, language=language)
    return response


# --- Invitations ---------------------------------------------------------------------------------


INVITATION_KEY = "strom_invitation"


@public_view
@require_http_methods(["GET"])
def open_invitation(request, secret):
    """The e-mailed link. Its secret moves into the session at once and the browser goes on to an
    address without it, so the secret stays out of history, bookmarks and Referer headers."""
    if actions.find_pending_invitation(secret) is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    request.session[INVITATION_KEY] = secret
    return redirect("accounts:accept_invitation")


@public_view
@require_http_methods(["GET", "POST"])
def accept_invitation(request):
    secret = request.session.get(INVITATION_KEY, "")
    invitation = actions.find_pending_invitation(secret) if secret else None
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = request.user
    if user.is_authenticated and not user.is_verified():
        return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
    form = None if user.is_authenticated else RegistrationForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        try:
            if user.is_authenticated:
                actions.do_accept_invitation(secret=secret, user=user)
                request.session.pop(INVITATION_KEY, None)
                messages.success(
                    request,
                    _("You have joined %(organisation)s.") % {"organisation": invitation.organisation.name},
                )
                return redirect(settings.LOGIN_REDIRECT_URL)
            if form.is_valid():
                new_user = actions.do_register_from_invitation(
                    secret=secret,
                    username=form.cleaned_data["username"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                    language=get_language(),
                )
                login(request, new_user, backend="strom.accounts.backends.ActiveUserBackend")
                start_session_clock(request)
                request.session.pop(INVITATION_KEY, None)
                return redirect("accounts:two_factor_setup")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:sign_in")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


# --- Password change and reset (Django's views, Strom's forms and templates) ----------------------

password_change = auth_views.PasswordChangeView.as_view(
    form_class=StromPasswordChangeForm,
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:security"),
)


def _password_changed(view):
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code == 302:
            # Django's view has kept this session alive with update_session_auth_hash.
            messages.success(request, _("Your password has been changed. Other sessions have ended."))
        return response

    return wrapped


password_change = _password_changed(password_change)

password_reset = public_view(
    rate_limited("password_reset_email")(
        auth_views.PasswordResetView.as_view(
            form_class=StromPasswordResetForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        )
    )
)
password_reset_done = public_view(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
RESET_USER_KEY = "strom_password_reset_user"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed reset link carries the user's id and a secret token. Django moves the token into
    the session but keeps the id in the address; here both move into the session and the browser goes
    on to one fixed address, so neither lands in access logs, history or Referer headers."""

    form_class = StromSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, request, *args, uidb64=None, token=None, **kwargs):
        if token is None:  # the clean address: the link's values come from the session, if at all
            uidb64, token = request.session.get(RESET_USER_KEY, ""), self.reset_url_token
        response = super().dispatch(request, uidb64=uidb64, token=token)
        if token != self.reset_url_token and response.status_code == 302:  # a valid link, token stored
            request.session[RESET_USER_KEY] = uidb64
            return redirect("accounts:password_reset_confirm")
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(RESET_USER_KEY, None)
        return response


open_password_reset = public_view(PasswordResetConfirmView.as_view())
password_reset_confirm = public_view(PasswordResetConfirmView.as_view())
password_reset_complete = public_view(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)
