"""Members of an organisation, invitations, and personal API tokens."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from strom.accounts import actions, queries
from strom.accounts import permissions as can
from strom.accounts.forms import ApiTokenForm, InvitationForm
from strom.core.access import refuse
from strom.core.ratelimit import rate_limited


@require_http_methods(["GET"])
def my_organisations(request):
    organisations = queries.own_organisations(request.access)
    return render(request, "accounts/my_organisations.html", {"organisations": organisations})


def _members_context(request, organisation, form=None) -> dict:
    access = request.access
    roles = can.invitable_roles(access, organisation)
    return {
        "organisation": organisation,
        "rows": [(m, can.can_end_membership(access, m)) for m in queries.members_of(organisation)],
        "invitations": queries.pending_invitations_of(organisation) if roles else [],
        "form": form if form is not None else (InvitationForm(roles=roles) if roles else None),
    }


def _members_section(request, organisation, partial: str, message: str):
    """After a change: the updated part of the page for htmx, the whole page otherwise."""
    if request.htmx:
        context = {**_members_context(request, organisation), "status_message": message}
        return render(request, f"accounts/members.html#{partial}", context)
    messages.success(request, message)
    return redirect("accounts:members", organisation_id=organisation.pk)


@require_http_methods(["GET", "POST"])
@rate_limited("invitation_email")  # a POST here sends an invitation
def members(request, organisation_id):
    organisation = queries.get_organisation_for_members(request.access, organisation_id)
    form = None
    if request.method == "POST":
        roles = can.invitable_roles(request.access, organisation)
        if not roles:
            raise refuse(actor=request.user, object_type="accounts.organisation", object_id=organisation_id)
        form = InvitationForm(request.POST, roles=roles)
        if form.is_valid():
            actions.do_invite(
                actor=request.user,
                organisation=organisation,
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                language=get_language(),
            )
            messages.success(request, _("The invitation has been sent. The link works for one person, once."))
            if settings.STROM_DEMO_ENABLED:
                outbox = format_html(
                    _('This is a demo: the e-mail is in the <a href="{url}">demo outbox</a>.'),
                    url=reverse("core:demo_outbox"),
                )
                messages.info(request, outbox)
            return redirect("accounts:members", organisation_id=organisation.pk)
    return render(request, "accounts/members.html", _members_context(request, organisation, form))


@require_POST
def end_membership(request, membership_id):
    membership = queries.get_membership_for(request.access, membership_id, for_write=True)
    actions.do_end_membership(actor=request.user, membership=membership)
    return _members_section(
        request, membership.organisation, "members-section", _("The membership has ended.")
    )


@require_POST
def revoke_invitation(request, invitation_id):
    invitation = queries.get_invitation_for(request.access, invitation_id, for_write=True)
    actions.do_revoke_invitation(actor=request.user, invitation=invitation)
    return _members_section(
        request, invitation.organisation, "invitations-section", _("The invitation has been withdrawn.")
    )


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = actions.do_create_api_token(
            actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = ApiTokenForm()
    page = Paginator(queries.tokens_of(request.access), 25).get_page(request.GET.get("page"))
    return render(request, "accounts/api_tokens.html", {"form": form, "page": page, "new_secret": new_secret})


@require_POST
def revoke_api_token(request, token_id):
    token = queries.get_token_for(request.access, token_id)
    actions.do_revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:api_tokens")
