"""Who can get a service's help, in plain words, as its provider answered (STROM II, issue 9).

"Unconditional" has two parts: help that does not depend on cooperating with the police, and help that
does not wait for formal identification as a victim. Other conditions (declared residence, legal stay,
health insurance, a referral, a time limit) make help conditional in practice. Each part is answered
yes, no, or not yet.

The rule everywhere: an answer nobody gave is never shown as a promise. The service's own page says
"not answered yet by the provider"; the public page shows only what the provider confirmed and every
restriction, and says nothing about what is unknown. The same words serve the caseworker and the
person looking for help.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.directory.models import Condition

PROMISE = "promise"  # confirmed by the provider, in the person's favour
RESTRICTION = "restriction"  # a condition the person must meet
UNKNOWN = "unknown"  # not answered yet: never shown as a promise
NOTE = "note"  # the provider's own words


@dataclass(frozen=True)
class Statement:
    kind: str
    text: str

    @property
    def public(self) -> bool:
        """What the public page may show: everything but what nobody answered."""
        return self.kind != UNKNOWN


def _condition_texts() -> dict[str, str]:
    return {
        Condition.DECLARED_RESIDENCE: _("Only for people with a declared residence in the municipality."),
        Condition.LEGAL_STAY: _("Only for people who stay in the country legally."),
        Condition.HEALTH_INSURANCE: _("Only for people with health insurance."),
        Condition.REFERRAL_BY_AUTHORITY: _("Only with a referral from an authority."),
    }


def _cooperation(answer: bool | None) -> Statement:
    if answer is True:
        return Statement(
            PROMISE,
            _(
                "No cooperation with the police needed: help does not depend on talking to the police or "
                "taking part in criminal proceedings."
            ),
        )
    if answer is False:
        return Statement(
            RESTRICTION,
            _("Only for people who cooperate with the police or take part in criminal proceedings."),
        )
    return Statement(
        UNKNOWN, _("Help without cooperating with the police: not answered yet by the provider.")
    )


def _identification(answer: bool | None) -> Statement:
    if answer is True:
        return Statement(
            PROMISE,
            _(
                "No formal identification needed: people not officially recognised as victims (presumed "
                "and potential victims) are helped too."
            ),
        )
    if answer is False:
        return Statement(RESTRICTION, _("Only for people formally identified as victims of trafficking."))
    return Statement(UNKNOWN, _("Help without formal identification: not answered yet by the provider."))


def access_statements(service) -> list[Statement]:
    """The two parts of "unconditional", then every other condition, the time limit and the provider's
    own words, in that order."""
    statements = [
        _cooperation(service.independent_of_cooperation),
        _identification(service.open_to_presumed_victims),
    ]
    texts = _condition_texts()
    labels = dict(Condition.choices)
    for code in service.conditions:
        text = texts.get(code) or _("Condition: %(condition)s") % {"condition": labels.get(code, code)}
        statements.append(Statement(RESTRICTION, text))
    if service.time_limit_days:
        days = service.time_limit_days
        text = ngettext("Help for at most %(days)d day.", "Help for at most %(days)d days.", days)
        statements.append(Statement(RESTRICTION, text % {"days": days}))
    if service.conditions_note:
        statements.append(Statement(NOTE, service.conditions_note))
    return statements


def public_access_statements(service) -> list[Statement]:
    return [statement for statement in access_statements(service) if statement.public]


def cost_statement(service) -> Statement:
    if service.is_free is True:
        return Statement(PROMISE, _("Free of charge."))
    if service.is_free is False:
        return Statement(RESTRICTION, _("Not free: there may be a charge."))
    return Statement(UNKNOWN, _("Whether it is free: not answered yet by the provider."))
