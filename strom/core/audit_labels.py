"""What each audit action means, in the reader's language. The stored code never changes; the label
can. Every action written anywhere in Strom has a label here (a test checks the source)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "access.refused": _("Refused access to something outside the user's reach"),
    "accounts.invitation.accepted": _("Invitation accepted"),
    "accounts.invitation.created": _("Invitation sent"),
    "accounts.invitation.revoked": _("Invitation withdrawn"),
    "accounts.membership.ended": _("Membership ended"),
    "accounts.municipality.created": _("Municipality added"),
    "accounts.municipality.updated": _("Municipality changed"),
    "accounts.organisation.created": _("Organisation added"),
    "accounts.organisation.updated": _("Organisation changed"),
    "accounts.user.deactivated": _("Account deactivated"),
    "accounts.user.reactivated": _("Account reactivated"),
    "accounts.user.registered": _("Account created from an invitation"),
    "audit.chain.broken": _("The audit trail's hash chain is broken"),
    "auth.api_token.created": _("API token created"),
    "auth.api_token.revoked": _("API token revoked"),
    "auth.lockout": _("Username locked after failed sign-ins"),
    "auth.password.changed": _("Password changed"),
    "auth.password.reset": _("Password reset"),
    "auth.second_factor.backup_codes_replaced": _("New backup codes made"),
    "auth.second_factor.enrolled": _("Second factor set up"),
    "auth.second_factor.enrolment_failed": _("Wrong code while setting up the second factor"),
    "auth.session.expired": _("Session ended by its time limit"),
    "auth.sign_in.failed": _("Failed sign-in"),
    "auth.sign_in.password_accepted": _("Password accepted"),
    "auth.sign_in.second_factor_accepted": _("Signed in with the second factor"),
    "auth.sign_in.second_factor_failed": _("Wrong second-factor code"),
    "auth.signed_out": _("Signed out"),
    "auth.signed_out_everywhere": _("Signed out on every device"),
    "directory.capacity.updated": _("Free places updated"),
    "directory.service.confirmed": _("Service listing confirmed as up to date"),
    "directory.service.created": _("Service added to the directory"),
    "directory.service.updated": _("Service changed"),
    "directory.service.reminder_sent": _("Reminder to confirm a listing sent"),
    "directory.import.applied": _("Directory imported from an HSDS file"),
    "directory.location.created": _("Location added"),
    "directory.location.updated": _("Location changed"),
    "platform.demo_loaded": _("Demo data loaded"),
}


def label_for(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
