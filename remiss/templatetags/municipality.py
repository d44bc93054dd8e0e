"""{% municipality as town %}: the municipality's name, logo text, address and registry prefix
in any template, the printed ones (rendered without a request) included."""

from django import template

from remiss import municipality as settings_of

register = template.Library()


@register.simple_tag(name="municipality")
def municipality() -> settings_of.Municipality:
    return settings_of.current()
