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


@register.filter
def field_labels(names) -> str:
    """The translated names of the step fields a comparison found changed."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.translation import gettext as _

    from strom.pathways.models import Step

    labels = []
    for name in names:
        if name == "phase":
            labels.append(_("stage"))
            continue
        try:
            labels.append(str(Step._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)
