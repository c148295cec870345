"""What each person can do next: the home page's guidance, and the navigation, from permissions."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from strom.accounts.access import Access
from strom.accounts.roles import Perm, Role


@dataclass(frozen=True)
class Task:
    title: str
    description: str
    url: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    intro: str
    tasks: list[Task] = field(default_factory=list)


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


def _organisation_tasks(access: Access, organisation_id: str) -> list[Task]:
    perms = access.perms_in(organisation_id)
    tasks = []
    if Perm.MANAGE_MUNICIPAL_DIRECTORY in perms:
        tasks.append(
            Task(
                _("Map the services of your municipality"),
                _("Who offers what, where, in which languages, and with how many free places."),
                reverse("directory:service_list"),
            )
        )
        tasks.append(
            Task(
                _("See the gaps"),
                _("Needs with no provider, a single provider, or none for children or in a language."),
                reverse("directory:gap_analysis"),
            )
        )
        seat = next((s for s in access.seats if s.organisation_id == organisation_id), None)
        if seat is not None and seat.municipality_id:
            tasks.append(
                Task(
                    _("Say which organisations serve your municipality"),
                    _("Organisations based elsewhere list services here only once you have recorded it."),
                    reverse("accounts:serving_organisations", args=[seat.municipality_id]),
                )
            )
    elif Perm.EDIT_DIRECTORY in perms:
        tasks.append(
            Task(
                _("Keep your services up to date"),
                _("Your listing and your free places, so that others can refer people to you."),
                reverse("directory:service_list"),
            )
        )
    elif Perm.READ_CASES in perms:
        tasks.append(
            Task(
                _("Find a service"),
                _("Filter by need, language, age group and free places."),
                reverse("directory:service_list"),
            )
        )
    if Perm.APPOINT_NATIONAL_ORGANISATIONS in perms:
        seat = next(s for s in access.seats if s.organisation_id == organisation_id)
        tasks.append(
            Task(
                _("Appoint organisations for the whole country"),
                _("A national helpline, for example, may then list its services in every municipality."),
                reverse("accounts:national_organisations", args=[seat.country_code]),
            )
        )
    tasks += _pathway_tasks(access, organisation_id, perms)
    if Perm.INVITE_MEMBERS in perms:
        tasks.append(
            Task(
                _("Invite your colleagues"),
                _("Send an invitation link; each colleague sets a password and a second factor."),
                reverse("accounts:members", args=[organisation_id]),
            )
        )
    elif Perm.VIEW_ORGANISATION in perms:
        tasks.append(
            Task(
                _("See who is in your organisation"),
                _("The members of your organisation and their roles."),
                reverse("accounts:members", args=[organisation_id]),
            )
        )
    if Perm.VIEW_ORGANISATION_AUDIT in perms:
        tasks.append(
            Task(
                _("Review the audit trail"),
                _("Every action on your organisation's data is recorded and cannot be changed."),
                f"{reverse('core:audit')}?organisation={organisation_id}",
            )
        )
    return tasks


def _pathway_tasks(access: Access, organisation_id: str, perms: frozenset[str]) -> list[Task]:
    if Perm.EDIT_PATHWAYS in perms:
        return [
            Task(
                _("Run the local referral mechanism"),
                _("Who does what when a victim is found, the health check, agreements and the card."),
                reverse("pathways:pathway_list"),
            )
        ]
    if Perm.VIEW_COUNTRY_PATHWAYS in perms:
        return [
            Task(
                _("See the municipalities' referral mechanisms"),
                _("Their chains of assistance, and the national referral mechanism's contacts."),
                reverse("pathways:pathway_list"),
            )
        ]
    seat = next((s for s in access.seats if s.organisation_id == organisation_id), None)
    if (
        seat is not None
        and seat.municipality_id
        and (Perm.READ_CASES in perms or Perm.RECEIVE_REFERRALS in perms)
    ):
        return [
            Task(
                _("Know who to call"),
                _("Your municipality's chain of assistance, stage by stage."),
                reverse("pathways:pathway_list"),
            )
        ]
    return []


def tasks_for(access: Access) -> list[Section]:
    sections = []
    for seat in access.seats:
        tasks = _organisation_tasks(access, seat.organisation_id)
        if seat.role == Role.PLATFORM_ADMIN:
            tasks = [
                Task(
                    _("Manage organisations"),
                    _("Add the organisations of a municipality or a country, or change them."),
                    reverse("accounts:platform_organisations"),
                ),
                Task(
                    _("Manage user accounts"),
                    _("Deactivate an account at once when someone leaves; all their sessions end."),
                    reverse("accounts:platform_users"),
                ),
                Task(
                    _("Review platform events"),
                    _("Sign-ins, lockouts, account changes and refused access."),
                    reverse("core:audit"),
                ),
            ]
        sections.append(
            Section(
                heading=f"{Role(seat.role).label} · {seat.organisation_name}",
                intro=str(ROLE_INTROS[seat.role]),
                tasks=tasks,
            )
        )
    return sections


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    url_name: str


def navigation_for(access: Access) -> list[NavItem]:
    items = [NavItem(_("Home"), reverse("core:home"), "core:home")]
    if access.seats:
        items.append(NavItem(_("Services"), reverse("directory:service_list"), "directory:service_list"))
    if any(seat.municipality_id for seat in access.seats) or access.has_perm(Perm.VIEW_COUNTRY_PATHWAYS):
        items.append(
            NavItem(_("Referral mechanism"), reverse("pathways:pathway_list"), "pathways:pathway_list")
        )
    if any(Perm.VIEW_ORGANISATION in access.perms_in(s.organisation_id) for s in access.seats):
        items.append(
            NavItem(_("Organisations"), reverse("accounts:my_organisations"), "accounts:my_organisations")
        )
    if access.has_perm(Perm.MANAGE_PLATFORM):
        items.append(
            NavItem(
                _("Platform"), reverse("accounts:platform_organisations"), "accounts:platform_organisations"
            )
        )
    if access.has_perm(Perm.VIEW_ORGANISATION_AUDIT) or access.has_perm(Perm.VIEW_PLATFORM_AUDIT):
        items.append(NavItem(_("Audit trail"), reverse("core:audit"), "core:audit"))
    items.append(NavItem(_("Account security"), reverse("accounts:security"), "accounts:security"))
    return items
