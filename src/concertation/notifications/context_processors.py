from .selectors import unread_count


def unread(request):
    """The header's unread count: one COUNT query, only on pages that show it, once per request."""

    def count() -> int:
        if not hasattr(request, "_unread_notifications"):
            user = getattr(request, "user", None)
            request._unread_notifications = unread_count(user) if user is not None and user.is_authenticated else 0
        return request._unread_notifications

    return {"unread_notifications": count}
