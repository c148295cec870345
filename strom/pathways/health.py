"""The health check of a pathway: what would break the chain of assistance, most serious first.

Pure: it reads a PathwayData and a Context of plain values, and returns Problems. The queries that
fill the Context live in queries.py; the links to fix each problem are made in the view.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.pathways.structure import PathwayData, StepData

ERROR = "error"
WARNING = "warning"
NOTICE = "notice"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, NOTICE: 2}

EXPIRY_SOON = timedelta(days=60)
ACCOMMODATION = "accommodation"


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
    needs_in_directory: frozenset[str] = frozenset()
    # Organisations with an active, unconditional service meeting the need for accommodation.
    unconditional_accommodation: frozenset[str] = frozenset()


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
    for _stage, step in data.all_steps():
        problems += _step_problems(step, context)
    problems += _coverage_problems(data, context)
    problems += _agreement_problems(context)
    if not _has_unconditional_accommodation(data, context):
        problems.append(
            Problem(
                "no_unconditional_accommodation",
                ERROR,
                _("No step leads to safe accommodation that does not depend on cooperating with the police."),
                need=ACCOMMODATION,
            )
        )
    return sorted(problems, key=lambda p: SEVERITY_ORDER[p.severity])


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
    return problems


def _coverage_problems(data: PathwayData, context: Context) -> list[Problem]:
    covered = {need for _stage, step in data.all_steps() for need in step.needs}
    problems = []
    for code, name in context.taxonomy:
        if code not in covered:
            problems.append(
                Problem(
                    "need_without_step",
                    WARNING,
                    _("No step covers the need “%(need)s”.") % {"need": name},
                    need=code,
                )
            )
        if code not in context.needs_in_directory:
            problems.append(
                Problem(
                    "need_without_service",
                    WARNING,
                    _("No service in the directory meets the need “%(need)s”.") % {"need": name},
                    need=code,
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


def _has_unconditional_accommodation(data: PathwayData, context: Context) -> bool:
    return any(
        ACCOMMODATION in step.needs
        and step.responsible is not None
        and step.responsible.id in context.unconditional_accommodation
        for _stage, step in data.all_steps()
    )


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
