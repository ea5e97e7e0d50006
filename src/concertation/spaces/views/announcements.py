"""Announcements of a space: the list (whoever sees the space) and the coordinators' form."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError, add_domain_error

from .. import announcements as services
from ..forms import AnnouncementForm
from .common import load_space

PAGE_SIZE = 20


def announcement_form(user, space, data=None):
    """The form a coordinator sees (None for anyone else)."""
    if not services.may_announce(user, space):
        return None
    territory_wide = services.may_announce_to_territory(user, space) and space.visibility != space.Visibility.MEMBERS
    return AnnouncementForm(data, territory_wide=territory_wide, prefix="annonce")


def announcements(request, territory, space):
    """GET: every announcement of the space, newest first. POST (coordinators): send one."""
    space = load_space(request, territory, space, perm="spaces.announce" if request.method == "POST" else None)
    form = announcement_form(request.user, space, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.announcement_send(space=space, by=request.user, title=form.cleaned_data["title"],
                                       body=form.cleaned_data["body"],
                                       whole_territory=form.cleaned_data.get("whole_territory", False))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'annonce est publiée et envoyée."))
            return redirect(services.list_url(space))
    page = Paginator(services.announcements_of(space), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "spaces/announcements.html", {
        "territory": space.territory, "space": space, "form": form, "page": page,
        "announcements": page.object_list,
    }, status=400 if request.method == "POST" else 200)
