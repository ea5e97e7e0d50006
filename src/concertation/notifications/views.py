from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import registry, selectors, services
from .forms import PreferencesForm
from .preferences import choices_of
from .unsubscribe import read_token

LAST_PAGE = 10_000  # 500 000 notifications; a page number past the database's integers was an error 500


def _page_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), LAST_PAGE)
    except ValueError:
        return 1


@login_required
def centre(request):
    context = selectors.centre(request.user, page=_page_number(request))
    request._unread_notifications = context["unread"]  # the header's count: counted once
    template = "notifications/centre.html#list" if request.htmx else "notifications/centre.html"
    return render(request, template, context)


def _back_to_centre(request):
    if request.htmx:
        context = selectors.centre(request.user, page=_page_number(request))
        return render(request, "notifications/centre.html#list", context)
    page = _page_number(request)  # back to the page the person was reading
    return HttpResponseRedirect(reverse("notifications:centre") + (f"?page={page}" if page > 1 else ""))


@login_required
@require_POST
def mark_read(request, pk: int):
    services.notification_mark_read(person=request.user, notification_id=pk)
    return _back_to_centre(request)


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(person=request.user)
    if not request.htmx:
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return _back_to_centre(request)


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, choices=choices_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_save(person=request.user, choices=form.cleaned_data)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return HttpResponseRedirect(request.path)
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the token is the credential; mail clients post it without a form (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET shows what the link does and a button (mail scanners follow links: a GET changes
    nothing); POST — the button, or the mail client's one click — sets the category to « never »."""
    found = read_token(token)
    person = None
    if found is not None:
        person = get_user_model().objects.filter(pk=found[0], is_active=True).first()
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    category = registry.unsubscribable(found[1])
    if request.method == "POST":
        services.unsubscribe(person=person, category=category.key)
        return render(request, "notifications/unsubscribe_done.html", {"category": category})
    return render(request, "notifications/unsubscribe.html", {"category": category, "token": token})
