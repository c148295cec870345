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


def _written_in(pathway) -> str:
    """The pathway's language where it differs from the page's, else "" (the page's lang holds)."""
    from strom.core.text import other_language

    return other_language(getattr(pathway, "language", "") or "")


@register.simple_tag
def lang_of(pathway) -> str:
    """` lang="lv"` for an element holding text people wrote in the pathway, when the pathway is
    written in another language than the page, so that a screen reader pronounces it right."""
    from django.utils.html import format_html

    language = _written_in(pathway)
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def in_lang(text, pathway) -> str:
    """The text in a <span lang> when the pathway is written in another language than the page
    (for text inside a translated sentence); otherwise the text as it is."""
    from django.utils.html import conditional_escape, format_html

    language = _written_in(pathway)
    if not language or text in (None, ""):
        return conditional_escape(text if text is not None else "")
    return format_html('<span lang="{}">{}</span>', language, text)


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


@register.filter
def field_label(name: str) -> str:
    """The readable name of one compared step field: the model's verbose name, capitalised."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.text import capfirst
    from django.utils.translation import gettext as _

    from strom.pathways.models import Step

    if name == "phase":
        return capfirst(_("stage"))
    try:
        return capfirst(str(Step._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


@register.simple_tag
def step_value(name: str, value, need_names: dict | None = None) -> str:
    """One value of a compared step field in words: organisations by name, needs by their names in
    the taxonomy, yes or no, response times in hours (days beyond two days), hand-over and decision
    by their labels. Never a code or an id."""
    from django.utils.translation import gettext as _

    from strom.pathways.models import Decision, Handover

    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, "", ()) and name not in ("handover", "decision"):
        return _("not set")
    if name == "phase":
        return phase_label(value)
    if name in ("responsible", "backup"):
        return value.name
    if name == "needs":
        names = need_names or {}
        return ", ".join(names.get(code, code) for code in value)
    if name == "max_response_hours":
        return response_time(value)
    if name in ("handover", "decision"):
        choices = Handover if name == "handover" else Decision
        try:
            return str(choices(value).label)
        except ValueError:
            return value
    return str(value)


@register.simple_tag
def lang_of_field(name: str, pathway) -> str:
    """`lang_of` for a compared step field holding text a person wrote; nothing for the values the page
    puts in words itself (organisations, needs, yes or no)."""
    return lang_of(pathway) if name in ("title", "description", "contact_function", "legal_basis") else ""


def _whole_days(hours: int) -> int:
    """Days for a response time beyond two days, rounded up: "within 3 days" for 49 hours never
    promises faster help than the partner agreed to."""
    return -(-hours // 24)


@register.filter
def response_time(hours) -> str:
    """A response time as people say it: "1 hour", "48 hours", then whole days ("3 days")."""
    from django.utils.translation import ngettext

    if hours in (None, ""):
        return ""
    hours = int(hours)
    if hours <= 48:
        return ngettext("%(hours)d hour", "%(hours)d hours", hours) % {"hours": hours}
    days = _whole_days(hours)
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


@register.filter
def response_within(hours) -> str:
    """The same inside a sentence: "within 24 hours", "within 14 days" (a phrase of its own, as
    languages with cases inflect the number after "within")."""
    from django.utils.translation import ngettext

    if hours in (None, ""):
        return ""
    hours = int(hours)
    if hours <= 48:
        return ngettext("within %(hours)d hour", "within %(hours)d hours", hours) % {"hours": hours}
    days = _whole_days(hours)
    return ngettext("within %(days)d day", "within %(days)d days", days) % {"days": days}


@register.simple_tag
def parallel_start() -> str:
    """The sentence that first assistance does not wait for identification, as the diagram's
    description and the card say it."""
    from strom.pathways.diagram import PARALLEL_SENTENCE

    return str(PARALLEL_SENTENCE)
