"""The health check of a pathway: what would break the chain of assistance, most serious first.

Pure: it reads a PathwayData and a Context of plain values, and returns Problems. The queries that
fill the Context live in queries.py; the links to fix each problem are made in the view.

Coverage is counted for the people a step or a service serves: a return step only for foreign nationals
does not cover nationals, and a shelter only for women does not cover men.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from strom.pathways.models import Audience, Handover
from strom.pathways.structure import PathwayData, StepData

ERROR = "error"
WARNING = "warning"
NOTICE = "notice"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, NOTICE: 2}

EXPIRY_SOON = timedelta(days=60)
ACCOMMODATION = "accommodation"

# The groups a step is counted for besides the pathway's audience (StepData.for_nationals and
# .for_foreign_nationals), and the genders a service is counted for (the directory's own keys).
NATIONALS = "nationals"
FOREIGN_NATIONALS = "foreign_nationals"
# Needs only foreign nationals have: a country's own nationals need no residence permit, so a step for
# foreign nationals only covers it fully. (Documents and return concern returning nationals too.)
FOREIGN_NATIONALS_ONLY_NEEDS = frozenset({"residence_status"})
WOMEN = "woman"
MEN = "man"
GENDERS = (WOMEN, MEN)

_NO_STEP_FOR = {
    Audience.ADULTS: gettext_lazy("No step covers the need “%(need)s” for adults."),
    Audience.CHILDREN: gettext_lazy("No step covers the need “%(need)s” for children."),
    NATIONALS: gettext_lazy("No step covers the need “%(need)s” for nationals."),
    FOREIGN_NATIONALS: gettext_lazy("No step covers the need “%(need)s” for foreign nationals."),
}
_NO_SERVICE_FOR = {
    WOMEN: gettext_lazy("No service in the directory meets the need “%(need)s” for women."),
    MEN: gettext_lazy("No service in the directory meets the need “%(need)s” for men."),
}
_NO_ACCOMMODATION_FOR = {
    WOMEN: gettext_lazy(
        "No step leads to safe accommodation for women that does not depend on cooperating with the police."
    ),
    MEN: gettext_lazy(
        "No step leads to safe accommodation for men that does not depend on cooperating with the police."
    ),
}


@dataclass(frozen=True)
class AgreementFacts:
    id: str
    title: str
    party_ids: frozenset[str]
    step_ids: frozenset[str]
    needs: frozenset[str]
    in_force: bool
    valid_until: date | None

    def covers(self, step: StepData) -> bool:
        return step.id in self.step_ids or bool(self.needs & set(step.needs))


@dataclass(frozen=True)
class Context:
    today: date
    taxonomy: tuple[tuple[str, str], ...]  # (code, name) of every need, in taxonomy order
    agreements: tuple[AgreementFacts, ...] = ()
    # Needs met by a service offered today to the pathway's age group (adults, or children).
    needs_in_directory: frozenset[str] = frozenset()
    # Organisations with an active, unconditional service for the age group meeting the need for
    # accommodation.
    unconditional_accommodation: frozenset[str] = frozenset()
    # The same two, per gender the services serve (WOMEN, MEN). A gender left out is not checked.
    needs_in_directory_by_gender: Mapping[str, frozenset[str]] = field(default_factory=dict)
    unconditional_accommodation_by_gender: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Ids of the pathway's organisations that belong to a municipality (Organisation.is_municipal).
    municipal_organisations: frozenset[str] = frozenset()
    # The country's rules, in words: those not filled in, and those not yet checked against their
    # source (country_rules.missing_rules and unverified_rules).
    national_rules_missing: tuple[str, ...] = ()
    national_rules_unverified: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    message: str
    step_id: str | None = None
    agreement_id: str | None = None
    need: str | None = None
    details: dict = field(default_factory=dict, compare=False)


def check(data: PathwayData, context: Context) -> list[Problem]:
    problems: list[Problem] = []
    problems += _national_problems(data, context)
    for _stage, step in data.all_steps():
        problems += _step_problems(step, context)
    problems += _coverage_problems(data, context)
    problems += _directory_problems(context)
    problems += _agreement_problems(context)
    problems += _accommodation_problems(data, context)
    return sorted(problems, key=lambda p: SEVERITY_ORDER[p.severity])


def _national_problems(data: PathwayData, context: Context) -> list[Problem]:
    problems = []
    if not any(step.handover == Handover.NATIONAL for _stage, step in data.all_steps()):
        problems.append(
            Problem(
                "no_nrm_handover",
                ERROR,
                _(
                    "No step hands the person over to the national referral mechanism, which decides on "
                    "reasonable grounds and identifies."
                ),
            )
        )
    if context.national_rules_missing:
        problems.append(
            Problem(
                "national_rules_missing",
                WARNING,
                _("The country's rules are not filled in: %(missing)s.")
                % {"missing": ", ".join(context.national_rules_missing)},
                details={"missing": context.national_rules_missing},
            )
        )
    if context.national_rules_unverified:
        problems.append(
            Problem(
                "national_rules_unverified",
                NOTICE,
                _("These rules of the country are not yet checked against their source: %(rules)s.")
                % {"rules": ", ".join(context.national_rules_unverified)},
                details={"unverified": context.national_rules_unverified},
            )
        )
    return problems


def _step_problems(step: StepData, context: Context) -> list[Problem]:
    problems = []
    if step.responsible is None:
        problems.append(
            Problem("no_responsible", ERROR, _("No organisation is responsible for this step."), step.id)
        )
    elif not any(
        agreement.in_force and step.responsible.id in agreement.party_ids and agreement.covers(step)
        for agreement in context.agreements
    ):
        problems.append(
            Problem(
                "no_agreement",
                WARNING,
                _("The responsible organisation has no agreement in force that covers this step."),
                step.id,
            )
        )
    if step.backup is None:
        problems.append(Problem("no_backup", WARNING, _("The step has no backup organisation."), step.id))
    if step.requires_24_7 and not step.contact_reachable_24_7:
        problems.append(
            Problem(
                "not_reachable_24_7",
                ERROR,
                _("The step must be reachable at any hour, but its contact is not reachable 24/7."),
                step.id,
            )
        )
    if not step.contact_phone or not step.contact_function:
        problems.append(
            Problem("contact_missing", WARNING, _("The contact point or its phone is missing."), step.id)
        )
    municipal = [
        org.name
        for org in (step.responsible, step.backup)
        if org is not None and org.id in context.municipal_organisations
    ]
    if step.decision and municipal:
        problems.append(
            Problem(
                "municipal_decision",
                ERROR,
                _("A municipal organisation cannot take this decision: choose the competent authority."),
                step.id,
                details={"organisations": tuple(municipal)},
            )
        )
    return problems


def _serves_audience(step: StepData, audience: str) -> bool:
    return step.for_children if audience == Audience.CHILDREN else step.for_adults


def _need_without_step(code: str, message: str, group: str | None = None) -> Problem:
    return Problem("need_without_step", WARNING, message, need=code, details={"group": group})


def _coverage_problems(data: PathwayData, context: Context) -> list[Problem]:
    """A need is covered for a group only by steps that serve that group: the pathway's audience, and
    among those, nationals and foreign nationals each."""
    steps = [step for _stage, step in data.all_steps()]
    problems = []
    for code, name in context.taxonomy:
        meeting = [step for step in steps if code in step.needs]
        for_audience = [step for step in meeting if _serves_audience(step, data.audience)]
        if not meeting:
            problems.append(
                _need_without_step(code, _("No step covers the need “%(need)s”.") % {"need": name})
            )
            continue
        if not for_audience:
            message = str(_NO_STEP_FOR[data.audience]) % {"need": name}
            problems.append(_need_without_step(code, message, data.audience))
            continue
        for group, serves in (
            (NATIONALS, lambda step: step.for_nationals),
            (FOREIGN_NATIONALS, lambda step: step.for_foreign_nationals),
        ):
            if group == NATIONALS and code in FOREIGN_NATIONALS_ONLY_NEEDS:
                continue
            if not any(serves(step) for step in for_audience):
                problems.append(_need_without_step(code, str(_NO_STEP_FOR[group]) % {"need": name}, group))
    return problems


def _directory_problems(context: Context) -> list[Problem]:
    """A service counts for a need only for the genders it serves (its age group is in the Context)."""
    problems = []
    for code, name in context.taxonomy:
        if code not in context.needs_in_directory:
            problems.append(
                Problem(
                    "need_without_service",
                    WARNING,
                    _("No service in the directory meets the need “%(need)s”.") % {"need": name},
                    need=code,
                )
            )
            continue
        for gender in GENDERS:
            met = context.needs_in_directory_by_gender.get(gender)
            if met is not None and code not in met:
                problems.append(
                    Problem(
                        "need_without_service",
                        WARNING,
                        str(_NO_SERVICE_FOR[gender]) % {"need": name},
                        need=code,
                        details={"gender": gender},
                    )
                )
    return problems


def _agreement_problems(context: Context) -> list[Problem]:
    problems = []
    for agreement in context.agreements:
        ends = agreement.valid_until
        if agreement.in_force and ends is not None and ends - context.today <= EXPIRY_SOON:
            days = (ends - context.today).days
            problems.append(
                Problem(
                    "agreement_expiring",
                    WARNING if days <= 14 else NOTICE,
                    ngettext(
                        "The agreement “%(title)s” ends in %(days)d day.",
                        "The agreement “%(title)s” ends in %(days)d days.",
                        days,
                    )
                    % {"title": agreement.title, "days": days},
                    agreement_id=agreement.id,
                    details={"days": days},
                )
            )
    return problems


def _accommodation_problems(data: PathwayData, context: Context) -> list[Problem]:
    """Safe accommodation that does not depend on cooperating with the police, from a step for the
    pathway's audience, for each gender."""
    providers = {
        step.responsible.id
        for _stage, step in data.all_steps()
        if ACCOMMODATION in step.needs
        and step.responsible is not None
        and _serves_audience(step, data.audience)
    }
    if not providers & context.unconditional_accommodation:
        message = _(
            "No step leads to safe accommodation that does not depend on cooperating with the police."
        )
        return [Problem("no_unconditional_accommodation", ERROR, message, need=ACCOMMODATION)]
    problems = []
    for gender in GENDERS:
        organisations = context.unconditional_accommodation_by_gender.get(gender)
        if organisations is not None and not providers & organisations:
            problems.append(
                Problem(
                    "no_unconditional_accommodation",
                    ERROR,
                    str(_NO_ACCOMMODATION_FOR[gender]),
                    need=ACCOMMODATION,
                    details={"gender": gender},
                )
            )
    return problems


def problems_by_step(problems: list[Problem]) -> dict[str, str]:
    """The worst severity per step, for colouring the diagram."""
    worst: dict[str, str] = {}
    for problem in problems:
        if problem.step_id is None:
            continue
        current = worst.get(problem.step_id)
        if current is None or SEVERITY_ORDER[problem.severity] < SEVERITY_ORDER[current]:
            worst[problem.step_id] = problem.severity
    return worst
