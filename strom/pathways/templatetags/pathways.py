from django import template

from strom.pathways.models import Phase

register = template.Library()


@register.filter
def phase_label(code: str) -> str:
    """The translated name of a referral phase, for snapshots that store only its code."""
    try:
        return Phase(code).label
    except ValueError:
        return code
