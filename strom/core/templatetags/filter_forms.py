"""Template helpers for the filter forms above lists and maps."""

from django import template

register = template.Library()


@register.filter
def active_filter_count(form) -> int:
    """How many fields of a filter form the request set, for the folded form's summary ("2 active").

    Read from the submitted data through each widget, so a ticked checkbox or a multiple choice counts
    once and an empty (or blank) field or a `page` parameter not at all.
    """
    if not form.is_bound:
        return 0
    count = 0
    for name, field in form.fields.items():
        value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, "", [], (), False):
            count += 1
    return count
