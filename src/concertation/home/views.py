"""The person's home (what to do next) and the list of their spaces. Thin: the blocks come from
selectors.py; the anonymous home is a short welcome."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.middleware.csrf import get_token
from django.shortcuts import render

from . import rows, selectors


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home/welcome.html")
    data = selectors.home_for(request.user)
    data["meetings_html"] = rows.next_meetings_html(data["meetings"], get_token(request))
    data["votes_html"] = rows.votes_html(data["votes"])
    data["follow_ups_html"] = rows.follow_ups_html(data["follow_ups"], request.user.pk)
    data["decisions_html"] = rows.decisions_html(data["decisions"])
    data["minutes_html"] = rows.minutes_html(data["minutes"])
    if data["runs"]:
        data["todo_html"] = rows.todo_html(data["todo"])
    return render(request, "home/home.html", data)


@login_required
def my_spaces(request):
    """« Mes espaces »: the person's territories and spaces; a territory they coordinate without any
    space yet offers to create the first one."""
    return render(request, "home/my_spaces.html", {"territories": selectors.my_territories(request.user)})
