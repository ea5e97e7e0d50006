"""``documents|visible_to:user``: the documents of a list (attached to an agenda item, a proposal,
an activity) the person may see, for the pages of the apps that attach them."""

from django import template

from ..selectors_documents import visible_among

register = template.Library()


@register.filter
def visible_to(documents, user):
    return visible_among(user, documents)
