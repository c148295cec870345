"""Who can get a service's help, in templates (strom/directory/conditions.py holds the words):

{% load service_conditions %}
{% for statement in service|access_statements %}...{% endfor %}   every answer, unknown ones too
{% for statement in service|public_access_statements %}...        only what the provider confirmed
{% with cost=service|cost_statement %}...{% endwith %}
"""

from django import template

from strom.directory import conditions

register = template.Library()


@register.filter
def access_statements(service) -> list[conditions.Statement]:
    return conditions.access_statements(service)


@register.filter
def public_access_statements(service) -> list[conditions.Statement]:
    return conditions.public_access_statements(service)


@register.filter
def cost_statement(service) -> conditions.Statement:
    return conditions.cost_statement(service)


@register.filter
def code_labels(service, field_name: str) -> list[str]:
    """The labels of one of the service's code sets in the active language: service|code_labels:"funding"."""
    return service._meta.get_field(field_name).labels(getattr(service, field_name))
