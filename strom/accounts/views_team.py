"""Members of an organisation, invitations, and personal API tokens."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from strom.accounts import actions, queries
from strom.accounts import permissions as can
from strom.accounts.access import get_access
from strom.accounts.forms import ApiTokenForm, InvitationForm
from strom.core.access import refuse


@require_http_methods(["GET"])
def my_organisations(request):
    access = get_access(request.user)
    organisations = queries.organisations_visible_to(request.user).filter(
        pk__in=[seat.organisation_id for seat in access.seats]
    )
    return render(request, "accounts/my_organisations.html", {"organisations": organisations})


@require_http_methods(["GET", "POST"])
def members(request, organisation_id):
    organisation = queries.get_organisation_for_members(request.user, organisation_id)
    access = get_access(request.user)
    roles = can.invitable_roles(access, organisation)
    form = None
    if roles:
        organisations = queries.organisations_user_can_invite_into(request.user).filter(pk=organisation.pk)
        form = InvitationForm(request.POST or None, organisations=organisations, roles=roles)
    if request.method == "POST":
        if form is None:
            raise refuse(actor=request.user, object_type="accounts.organisation", object_id=organisation_id)
        if form.is_valid():
            actions.do_invite(
                actor=request.user,
                organisation=organisation,
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                language=get_language(),
            )
            messages.success(request, _("The invitation has been sent. The link works for one person, once."))
            return redirect("accounts:members", organisation_id=organisation.pk)
    context = {
        "organisation": organisation,
        "rows": [(m, can.can_end_membership(access, m)) for m in queries.members_of(organisation)],
        "invitations": queries.pending_invitations_of(organisation) if roles else [],
        "form": form,
    }
    return render(request, "accounts/members.html", context)


@require_POST
def end_membership(request, membership_id):
    membership = queries.get_membership_for_user(request.user, membership_id, for_write=True)
    actions.do_end_membership(actor=request.user, membership=membership)
    messages.success(request, _("The membership has ended."))
    return redirect("accounts:members", organisation_id=membership.organisation_id)


@require_POST
def revoke_invitation(request, invitation_id):
    invitation = queries.get_invitation_for_user(request.user, invitation_id, for_write=True)
    actions.do_revoke_invitation(actor=request.user, invitation=invitation)
    messages.success(request, _("The invitation has been withdrawn."))
    return redirect("accounts:members", organisation_id=invitation.organisation_id)


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = actions.do_create_api_token(
            actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = ApiTokenForm()
    page = Paginator(queries.tokens_of(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "accounts/api_tokens.html", {"form": form, "page": page, "new_secret": new_secret})


@require_POST
def revoke_api_token(request, token_id):
    token = queries.get_token_for_user(request.user, token_id)
    actions.do_revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:api_tokens")
