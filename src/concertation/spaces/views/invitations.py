"""Invitation screens: a space's invitations (coordinators), and the public link /invitation/<token>/.

Views stay thin: load what the person may reach (404 otherwise), call a service, render.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError, add_domain_error

from .. import invitations as services
from ..forms import InvitationForm
from ..models import Invitation
from ..pages import invitations_page
from .common import base_url, get_in_space, load_space

PERM = "spaces.invite_members"
SESSION_KEY = "invitation_token"


def _list_url(space) -> str:
    return reverse("spaces:invitations", kwargs={"territory": space.territory.slug, "space": space.slug})


@login_required
def invitations(request, territory, space):
    space = load_space(request, territory, space, perm=PERM)
    form = InvitationForm(request.POST or None, space=space)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_invite(
                space=space, email=data["email"], invited_as=data["invited_as"], organization=data["organization"],
                category=data["category"], message=data["message"], by=request.user, base_url=base_url(request),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("L'invitation est envoyée à %(email)s. Le lien expire dans 7 jours.") % {
                "email": invitation.email
            })
            return redirect(_list_url(space))
    return render(request, "spaces/invitations/list.html", {
        "territory": space.territory, "space": space, "form": form,
        **invitations_page(space, request.GET.get("page")),
    })


@login_required
@require_POST
def invitation_resend(request, territory, space, pk):
    space = load_space(request, territory, space, perm=PERM)
    invitation = get_in_space(Invitation, space, pk=pk)
    try:
        services.invitation_resend(invitation=invitation, base_url=base_url(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("L'invitation est renvoyée à %(email)s; le lien est valide 7 jours de plus.") % {
            "email": invitation.email
        })
    return redirect(_list_url(space))


@login_required
@require_POST
def invitation_revoke(request, territory, space, pk):
    space = load_space(request, territory, space, perm=PERM)
    invitation = get_in_space(Invitation, space, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("L'invitation de %(email)s est révoquée : son lien ne fonctionne plus.") % {
            "email": invitation.email
        })
    return redirect(_list_url(space))


# The public link ----------------------------------------------------------------------------

def _invalid(request, error: DomainError, invitation=None):
    status = 404 if error.code == "unknown" else 410
    return render(request, "spaces/invitations/invalid.html", {
        "error": error, "invitation": invitation, "reason": error.code,
    }, status=status)


@never_cache
def invitation_accept(request, token):
    invitation = services.invitation_for_token(token)
    user = request.user
    if (
        invitation is not None and invitation.status == "accepted" and user.is_authenticated
        and invitation.accepted_by_id == user.pk
    ):
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("Vous avez déjà accepté cette invitation."))
        return redirect("spaces:space", territory=invitation.space.territory.slug, space=invitation.space.slug)
    error = services.refusal(invitation)
    if error is not None:
        if request.session.get(SESSION_KEY) == token:
            request.session.pop(SESSION_KEY, None)
        return _invalid(request, error, invitation)

    if request.method == "POST":
        if not user.is_authenticated:
            request.session[SESSION_KEY] = token
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            membership = services.invitation_accept(invitation_token=token, user=user)
        except DomainError as error:
            if error.code in {"unknown", "revoked", "used", "expired"}:
                return _invalid(request, error, invitation)
            messages.error(request, str(error))
            return redirect(request.path)
        request.session.pop(SESSION_KEY, None)
        space = membership.space
        messages.success(request, _("Bienvenue dans « %(space)s » : vous en êtes maintenant membre.") % {
            "space": space.name
        })
        return redirect("spaces:space", territory=space.territory.slug, space=space.slug)

    if not user.is_authenticated:
        # Sign-up opens for a person holding an invitation (see accounts.adapter.AccountAdapter).
        request.session[SESSION_KEY] = token
    next_query = urlencode({"next": request.path})
    return render(request, "spaces/invitations/accept.html", {
        "invitation": invitation,
        "space": invitation.space,
        "territory": invitation.space.territory,
        "inviter": str(invitation.invited_by) if invitation.invited_by_id else "",
        "email_differs": user.is_authenticated and services.normalize_email(user.email) != invitation.email,
        "signup_url": f"{reverse('account_signup')}?{next_query}",
        "login_url": f"{reverse('account_login')}?{next_query}",
    })
