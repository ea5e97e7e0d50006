"""Views of discussions: the thread (read and post), edit, hide, unhide, history.

Every view finds the target through the registry and answers 404 — like a missing object — when
the person may not see it, or when the address names another territory.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concertation.core import audit
from concertation.core.errors import DomainError, add_domain_error
from concertation.spaces.views.common import load_territory

from .. import discussions_registry as registry
from ..forms_discussions import CommentForm, EditForm, HideForm
from ..models import Comment
from ..selectors import discussions as selectors
from ..services import discussions as services


class SignInFirst(Exception):
    """An anonymous visitor reads a discussion she may not see, or one that does not exist."""


def _target(request, territory, kind: str, object_id: int):
    """(territory, registry entry, object) the person may see, or 404.

    The address names the territory only (no space): an anonymous visitor reading something out of
    her sight — hidden or missing alike — is asked to sign in, as in a members-only space."""
    territory_obj = load_territory(request, territory)
    entry = registry.target(kind)
    obj = entry.load(object_id) if entry is not None else None
    here = obj is not None and entry.territory_of(obj).pk == territory_obj.pk
    if not here or not entry.can_view(request.user, obj):
        if here:
            audit.record_access_denied(request.user, obj, perm="knowledge.view_discussion")
        if not request.user.is_authenticated and request.method in ("GET", "HEAD"):
            raise SignInFirst
        raise Http404
    return territory_obj, entry, obj


def _signing_in(view):
    """Turn SignInFirst into the sign-in page, with the address to come back to."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SignInFirst:
            return redirect_to_login(request.get_full_path())
    return wrapper


def _comment(request, territory, pk: int):
    """(territory, entry, object, comment) for a comment whose target the person may see, or 404."""
    comment = Comment.objects.select_related("author").filter(pk=pk, territory__slug=territory).first()
    if comment is None:
        load_territory(request, territory)  # a missing territory answers as such
        if not request.user.is_authenticated and request.method in ("GET", "HEAD"):
            raise SignInFirst
        raise Http404
    territory_obj, entry, obj = _target(request, territory, comment.target_kind, comment.target_id)
    return territory_obj, entry, obj, comment


def _anchor(entry, obj, comment=None) -> str:
    """Back to the comment, on the object's page, or on the discussion's own page."""
    if entry.shown_on_page:
        url = entry.url_of(obj)
    else:
        url = selectors.discussion_urls(entry.territory_of(obj).slug, entry.kind, obj.pk)["thread"]
    return f"{url}#{f'commentaire-{comment.pk}' if comment else 'discussion'}"


def _forms(form, parent_id: str) -> dict:
    """The main form and a reply's: the refused one keeps what was typed, next to its error."""
    if form is not None and parent_id:
        return {"form": CommentForm(), "reply_form": form, "parent_id": parent_id}
    return {"form": form or CommentForm(), "reply_form": None, "parent_id": ""}


def _fragment(request, entry, obj, form=None, **extra):
    data = selectors.thread(request.user, entry, obj, inline=True)
    return render(request, "knowledge/discussions/_thread.html", {
        "d": data, **_forms(form, request.POST.get("parent", "")), **extra})


@_signing_in
@require_http_methods(["GET", "POST"])
def thread(request, territory, kind, object_id):
    """The whole discussion of one object, page by page; a POST adds a comment or a reply."""
    territory_obj, entry, obj = _target(request, territory, kind, object_id)
    form = None
    if request.method == "POST":
        if not request.user.is_authenticated or not entry.can_comment(request.user, obj):
            raise Http404
        form = CommentForm(request.POST)
        if form.is_valid():
            parent = None
            if form.cleaned_data["parent"]:
                parent = get_object_or_404(Comment, pk=form.cleaned_data["parent"], target_kind=entry.kind,
                                           target_id=obj.pk)
            try:
                comment = services.comment_post(entry=entry, obj=obj, author=request.user, parent=parent,
                                                body=form.cleaned_data["body"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                if request.htmx:
                    return _fragment(request, entry, obj, posted=comment.pk)
                messages.success(request, _("Votre commentaire est publié."))
                return redirect(_anchor(entry, obj, comment))
        if request.htmx:
            return _fragment(request, entry, obj, form=form)
    data = selectors.thread(request.user, entry, obj, page=request.GET.get("page"))
    return render(request, "knowledge/discussions/thread.html", {
        "territory": territory_obj, "d": data, **_forms(form, request.POST.get("parent", "")),
    }, status=400 if form is not None else 200)


@login_required
@require_GET
def people(request, territory, kind, object_id):
    """The names the mention picker offers (JSON): people who may see the object, for those who may
    write in its discussion. Without JavaScript, people type @[Name] themselves."""
    _territory, entry, obj = _target(request, territory, kind, object_id)
    if not entry.can_comment(request.user, obj):
        raise Http404
    return JsonResponse({"names": selectors.mention_candidates(entry, obj, request.GET.get("q", ""))})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, territory, pk):
    territory_obj, entry, obj, comment = _comment(request, territory, pk)
    if comment.author_id != request.user.pk or comment.is_hidden or not entry.can_comment(request.user, obj):
        raise Http404
    form = EditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, entry=entry, obj=obj, by=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Votre commentaire est modifié."))
            return redirect(_anchor(entry, obj, comment))
    return render(request, "knowledge/discussions/edit.html", {
        "territory": territory_obj, "comment": comment, "form": form, "label": entry.label_of(obj),
        "target_url": entry.url_of(obj),
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def hide(request, territory, pk):
    territory_obj, entry, obj, comment = _comment(request, territory, pk)
    if not entry.can_moderate(request.user, obj):
        raise Http404
    form = HideForm(request.POST or None, initial={"reason": comment.hidden_reason})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_hide(comment=comment, entry=entry, obj=obj, by=request.user,
                                  reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Le commentaire est masqué; la raison s'affiche à sa place."))
            return redirect(_anchor(entry, obj, comment))
    return render(request, "knowledge/discussions/hide.html", {
        "territory": territory_obj, "comment": comment, "body_html": selectors.render_comment(comment.body),
        "form": form, "label": entry.label_of(obj), "target_url": entry.url_of(obj),
    }, status=400 if form.is_bound else 200)


@login_required
@require_POST
def unhide(request, territory, pk):
    _territory, entry, obj, comment = _comment(request, territory, pk)
    try:
        services.comment_unhide(comment=comment, entry=entry, obj=obj, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Le commentaire est de nouveau visible."))
    return redirect(_anchor(entry, obj, comment))


@_signing_in
def history(request, territory, pk):
    """The earlier texts of an edited comment, for whoever may read the comment itself."""
    territory_obj, entry, obj, comment = _comment(request, territory, pk)
    own = comment.author_id is not None and comment.author_id == request.user.pk
    if comment.is_hidden and not own and not entry.can_moderate(request.user, obj):
        raise Http404
    return render(request, "knowledge/discussions/history.html", {
        "territory": territory_obj, "comment": comment, "versions": selectors.history(comment),
        "author_name": selectors.display_name_for(comment.author, request.user) if comment.author else "",
        "label": entry.label_of(obj), "target_url": entry.url_of(obj),
    })
