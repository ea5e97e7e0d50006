"""Members-only links: an anonymous visitor is asked to sign in, whether the space exists or not.

A notice sent to the members of a committee links to its meeting; opened on a phone where the person
is not signed in yet, the link should lead to the sign-in page and back, not to « Page introuvable ».
Any page under a territory or a space that an anonymous visitor may not see — because it is for
members only, or because it does not exist — answers the same redirect to the sign-in page, with
the address in ``next``: nothing tells a visitor which of the two it was. Inside a space open to the
public, a missing or hidden object keeps its 404 (the space is public; the object simply is not).

Signed-in people keep the 404 (signing in again would not help them), and so do
- requests that change something (POST…): after signing in, the person would land on an address
  that only answers a form;
- addresses holding a credential (an answer link's token): whoever holds a wrong token is not asked
  to sign in, it is simply not valid.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .models import Space

SAFE_METHODS = ("GET", "HEAD")


def open_to_the_public(territory: str, space: str | None) -> bool:
    """Whether the territory (and the space, when named) exists and has a public side."""
    public = Space.objects.filter(territory__slug=territory, visibility=Space.Visibility.PUBLIC)
    if space is not None:
        public = public.filter(slug=space)
    return public.exists()


def asks_to_sign_in(request, exception) -> bool:
    if not isinstance(exception, Http404) or request.method not in SAFE_METHODS:
        return False
    if getattr(request, "user", None) is None or request.user.is_authenticated:
        return False
    match = request.resolver_match
    kwargs = match.kwargs if match is not None else {}
    if "territory" not in kwargs or "token" in kwargs:
        return False
    return not open_to_the_public(kwargs["territory"], kwargs.get("space"))


class SignInFirstMiddleware:
    """Turn the 404 of a page out of an anonymous visitor's sight into the sign-in page (above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if asks_to_sign_in(request, exception):
            return redirect_to_login(request.get_full_path())
        return None
