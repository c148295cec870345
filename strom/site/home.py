"""What each person can do next: the home page's sections, one per membership, and the navigation.

The tasks and links come from every installed app's contributions.py (strom.core.registry), each
driven by the permissions the person holds; this module only frames them by role."""

from django.utils.translation import gettext_lazy as _

from strom.accounts.access import Access
from strom.accounts.roles import Role
from strom.core import registry
from strom.core.registry import NavItem, Section

ROLE_INTROS = {
    Role.COORDINATOR: _(
        "You hold your municipality's response together: who offers what, who does what when a "
        "victim is found, and who works with whom."
    ),
    Role.CASEWORKER: _(
        "You meet people who may be victims, screen with the operational indicators, and refer them "
        "to help. Assistance never depends on cooperation with the police."
    ),
    Role.SERVICE_PROVIDER: _(
        "You offer services to victims. Keep your listing and free places up to date, and answer "
        "referrals quickly."
    ),
    Role.TRAINER: _("You run workshops that help people tell exploitative employers from fair ones."),
    Role.ANALYST: _("You follow the situation through anonymised statistics."),
    Role.NATIONAL_COORDINATOR: _(
        "You see how municipalities in your country work and link them to the national referral mechanism."
    ),
    Role.PLATFORM_ADMIN: _(
        "You keep Strom running: organisations and accounts. You do not see case data, by design."
    ),
}


def tasks_for(access: Access) -> list[Section]:
    sections = []
    for seat in access.seats:
        if seat.role == Role.PLATFORM_ADMIN:
            tasks = registry.platform_tasks(access, seat.organisation_id)
        else:
            tasks = registry.tasks_for_organisation(access, seat.organisation_id)
        sections.append(
            Section(
                heading=f"{Role(seat.role).label} · {seat.organisation_name}",
                intro=str(ROLE_INTROS[seat.role]),
                tasks=tasks,
            )
        )
    return sections


def navigation_for(access: Access) -> list[NavItem]:
    return registry.navigation_for(access)
