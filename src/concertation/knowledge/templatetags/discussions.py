"""``{% discussion obj %}``: the discussion of any registered object, where its page wants it.

    {% load discussions %}
    {% discussion proposal %}

Renders nothing for an object whose kind is not registered or that the person may not see (the
page has checked already; this is a second lock).
"""

from django import template

from .. import discussions_registry as registry
from ..discussion_html import comments_html
from ..forms_discussions import CommentForm
from ..selectors.discussions import thread

register = template.Library()


@register.inclusion_tag("knowledge/discussions/_thread.html", takes_context=True)
def discussion(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    kind = registry.kind_of(obj)
    entry = registry.target(kind) if kind else None
    if entry is None or user is None or not entry.can_view(user, obj):
        return {"d": None}
    data = thread(user, entry, obj, inline=True)
    return {"d": data, "form": CommentForm() if data["can_comment"] else None, "user": user, "request": request,
            "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def discussion_comments(context):
    """The comments of the discussion ``d`` in ``_thread.html``, written in Python (discussion_html.py)."""
    return comments_html(context["d"], reply_form=context.get("reply_form"), parent_id=context.get("parent_id"),
                         csrf_token=context.get("csrf_token"))
