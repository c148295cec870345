"""What the site adds: the home page and the audit trail, in the navigation and among the tasks."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from strom.accounts.roles import Perm
from strom.core.registry import AppContributions, NavEntry, Task, TaskEntry, UrlMount


def _audit_task(access, organisation_id: str) -> list[Task]:
    if Perm.VIEW_ORGANISATION_AUDIT not in access.perms_in(organisation_id):
        return []
    return [
        Task(
            _("Review the audit trail"),
            _("Every action on your organisation's data is recorded and cannot be changed."),
            f"{reverse('site:audit')}?organisation={organisation_id}",
        )
    ]


def _platform_audit_task(access, organisation_id: str) -> list[Task]:
    return [
        Task(
            _("Review platform events"),
            _("Sign-ins, lockouts, account changes and refused access."),
            reverse("site:audit"),
        )
    ]


def _sees_an_audit_trail(access) -> bool:
    return access.has_perm(Perm.VIEW_ORGANISATION_AUDIT) or access.has_perm(Perm.VIEW_PLATFORM_AUDIT)


contributions = AppContributions(
    depends_on=("accounts",),
    urls=(UrlMount("", "strom.site.urls"),),
    navigation=(
        NavEntry(0, _("Home"), "site:home", lambda access: True),
        NavEntry(50, _("Audit trail"), "site:audit", _sees_an_audit_trail),
    ),
    tasks=(TaskEntry(50, _audit_task),),
    platform_tasks=(TaskEntry(30, _platform_audit_task),),
)
