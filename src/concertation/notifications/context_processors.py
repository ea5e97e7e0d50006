from .selectors import UNREAD_SHOWN, unread_count


def unread(request):
    """The header's unread count: one COUNT query that stops past 99, only on pages that show it,
    once per request."""

    def count() -> int:
        if not hasattr(request, "_unread_notifications"):
            user = getattr(request, "user", None)
            request._unread_notifications = unread_count(user, up_to=UNREAD_SHOWN) if user is not None and user.is_authenticated else 0
        return request._unread_notifications

    return {"unread_notifications": count}
