"""Template helpers of the account pages: is sign-up open here, and whom to ask."""

from django import template

from ..signup import instance_contact as _instance_contact
from ..signup import signup_is_open as _signup_is_open

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_is_open(context) -> bool:
    request = context.get("request")
    return request is not None and _signup_is_open(request)


@register.simple_tag
def instance_contact() -> dict:
    return _instance_contact()
