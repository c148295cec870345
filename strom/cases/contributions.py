"""What the case records add to the rest of Strom. So far only the labels of their audit events: the
pages, navigation and demo come with the next part of issue 11."""

from django.utils.translation import gettext_lazy as _

from strom.core.registry import AppContributions

contributions = AppContributions(
    depends_on=("accounts",),
    audit_labels={
        "cases.case.opened": _("Case opened"),
        "cases.case.read": _("Case read"),
        "cases.identity.read": _("Identifying data of a case read"),
        "cases.identity.saved": _("Identifying data of a case saved"),
        "cases.facts.saved": _("Facts of a case saved"),
        "cases.caseworkers.set": _("Caseworkers of a case named"),
        "cases.phase.changed": _("Assistance phase changed"),
        "cases.identification.changed": _("Identification status changed"),
        "cases.duplicates.checked": _("Checked for another case of the same person"),
    },
)
