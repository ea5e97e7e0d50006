"""« Mes jetons d'accès »: the person's personal access tokens for the API (create, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError, add_domain_error

from ..forms import TokenForm
from ..models import AccessToken
from ..services import token_create, token_revoke


def _page(request, form, *, secret: str = "", created=None, status: int = 200):
    now = timezone.now()
    tokens = list(AccessToken.objects.filter(owner=request.user).order_by("-created_at", "-pk")[:100])
    for token in tokens:
        token.active = token.is_active(now)
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "secret": secret,
                                               "created": created}, status=status)


@never_cache
@login_required
def tokens(request):
    """The list; a POST creates a token and shows its secret on this answer only."""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, secret = token_create(owner=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return _page(request, TokenForm(), secret=secret, created=token)
        return _page(request, form, status=400)
    return _page(request, TokenForm())


@login_required
@require_POST
def revoke(request, pk: int):
    token = AccessToken.objects.filter(owner=request.user, pk=pk).first()
    if token is None:
        raise Http404
    token_revoke(token=token, by=request.user)
    messages.success(request, _("Le jeton « %(name)s » est révoqué : il ne donne plus accès à l'API.")
                     % {"name": token.name})
    return redirect("api_tokens:tokens")
