"""The error summary at the top of a form (includes/form_errors.html), after the GOV.UK pattern."""

from django import template

register = template.Library()


def error_target(field) -> str:
    """The id a summary link moves to: the field's input, or for a group of checkboxes or radio
    buttons its first choice (Django gives the group itself no element with the field's id)."""
    if field.is_hidden or not field.auto_id:
        return ""
    if field.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.simple_tag
def error_summary(*forms) -> list[tuple[str, str, str]]:
    """Each error of these forms as (field label, message, id to link to), in the order of the fields.
    Django's messages ("This field is required.") do not name their field, so the summary names it.
    Errors that belong to no field, or to a hidden one, have no label and nothing to link to."""
    items = []
    for form in forms:
        if not getattr(form, "errors", None):
            continue
        items += [("", error, "") for error in form.non_field_errors()]
        for field in form:
            target = error_target(field)
            items += [(field.label if target else "", error, target) for error in field.errors]
    return items
