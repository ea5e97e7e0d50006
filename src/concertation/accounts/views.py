from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError

from . import personal_data
from .forms import EraseForm, ProfileForm
from .middleware import set_language_cookie
from .models import Language
from .privacy import privacy_contact
from .services import (
    LANGUAGE_CHOSEN_KEY,
    personal_data_export,
    user_erase,
    user_set_language,
    user_update_profile,
)


@secure_admin_login
def admin_login(request, extra_context=None):
    """The Django admin's login page (urls.py puts it in place of AdminSite.login).

    allauth's secure_admin_login sends a visitor to the site's own sign-in (its rate limits, its
    second factor) and refuses a signed-in person without staff status. A staff member reaching it
    is sent on: Django's own form, which signs in with a password alone, is never shown nor run,
    not even to switch accounts."""
    return redirect(get_next_redirect_url(request) or reverse("admin:index"))


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the account when signed in, else a cookie."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in Language.values:
        return response
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    else:
        # Chosen before signing in: stored on the profile at sign-in (services.user_signed_in_language).
        request.session[LANGUAGE_CHOSEN_KEY] = language
    set_language_cookie(response, language)
    return response


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_update_profile(user=user, **form.cleaned_data)
            messages.success(request, _("Votre profil est enregistré."))
            return HttpResponseRedirect(request.path)
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "preferred_language": user.preferred_language,
                "phone": user.phone,
                "shown_publicly": user.shown_publicly,
            }
        )
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def erase_account(request):
    """The person erases their own account, after confirming with their password."""
    form = EraseForm(request.POST or None, user=request.user)
    if request.method == "POST":
        # Guessing the password here is rate limited like a sign-in (allauth's "reauthenticate").
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            form.add_error(None, _("Trop d'essais. Attendez quelques minutes, puis réessayez."))
            return render(request, "accounts/erase.html", {"form": form}, status=429)
        if form.is_valid():
            user_erase(user=request.user, by=request.user)
            logout(request)
            messages.success(request, _("Votre compte est effacé. Merci d'avoir pris part à la concertation."))
            return redirect("home")
    return render(request, "accounts/erase.html", {"form": form})


@login_required
def personal_data_download(request):
    """The person's own data (Law 25): what the file holds, and on POST the ZIP itself."""
    error = None
    if request.method == "POST":
        try:
            content = personal_data_export(user=request.user)
        except DomainError as refused:
            error = refused.message
        else:
            response = HttpResponse(content, content_type="application/zip")
            name = f"mes-donnees-concertation-{timezone.localdate():%Y%m%d}.zip"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/personal_data.html", {"kinds": personal_data.kinds(), "error": error},
                  status=429 if error else 200)


def privacy(request):
    """What the platform keeps about people, for how long, and whom to ask (Law 25): open to all."""
    return render(request, "accounts/privacy.html", {
        "contact": privacy_contact(),
        "notifications_days": settings.RETENTION_NOTIFICATIONS_DAYS,
        "invitations_days": settings.RETENTION_INVITATIONS_DAYS,
    })
