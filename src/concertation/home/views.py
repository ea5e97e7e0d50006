"""The person's home (what to do next) and the list of their spaces. Thin: the blocks come from
selectors.py; the anonymous home is a short welcome."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home/welcome.html")
    return render(request, "home/home.html", selectors.home_for(request.user))


@login_required
def my_spaces(request):
    """« Mes espaces »: the person's territories and spaces; a territory they coordinate without any
    space yet offers to create the first one."""
    return render(request, "home/my_spaces.html", {"territories": selectors.my_territories(request.user)})
