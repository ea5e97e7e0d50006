"""``{% public_name person %}``: a person's name as the viewer of the page may see it.

``{% public_name follow_up.person organization=follow_up.organization %}`` gives « Name (ORG) », or
the organization alone when her name is not shown. The viewer is the page's ``user`` (none in a
context without one: treated as an anonymous visitor). The rule lives in accounts/privacy.py.
"""

from django import template

from concertation.accounts.privacy import display_name_for

register = template.Library()


@register.simple_tag(takes_context=True)
def public_name(context, person, organization=None):
    return display_name_for(person, context.get("user"), organization=organization or None)


@register.inclusion_tag("accounts/_privacy_footer.html")
def privacy_footer():
    """The footer's line of every page (Law 25): who answers for personal information, and the
    privacy page."""
    from concertation.accounts.privacy import privacy_contact

    return {"contact": privacy_contact()}
