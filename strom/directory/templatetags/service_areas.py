"""Where a service works, in templates: {{ service|where_it_works }} and {{ service|also_serves }}."""

from django import template

from strom.directory import areas

register = template.Library()


@register.filter
def where_it_works(service) -> str:
    return areas.where_it_works(service)


@register.filter
def also_serves(service) -> str:
    return areas.also_serves(service)
