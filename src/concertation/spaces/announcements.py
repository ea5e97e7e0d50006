"""Announcements (issue 16, item 6): a coordinator sends a short bulletin to the members of a space,
or a territory's coordinator to every member of the territory. Each person receives it according to
their preference (the notifications layer decides: at once, in a digest, or only in the centre); the
bulletin is kept and listed on the space's page."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError
from concertation.core.formatting import nbsp as nb
from concertation.notifications.api import Group, notify

from .access import access_for
from .audience import space_audience, territory_audience
from .models import Announcement, Space

TITLE_MAX = 150
BODY_MAX = 5000
RECENT = 3  # shown on the space's page, the rest behind « Voir toutes les annonces »
# Each announcement is an e-mail to every member (of the territory, for a territory-wide one): a
# space publishes a few a day at most, and a territory receives few territory-wide ones a day.
PER_SPACE_PER_DAY = 5
TERRITORY_WIDE_PER_DAY = 3
RATE_WINDOW = timedelta(hours=24)


def may_announce(user, space: Space) -> bool:
    return access_for(user).coordinates(space)


def may_announce_to_territory(user, space: Space) -> bool:
    return access_for(user).coordinates_territory(space.territory_id)


def list_url(space: Space) -> str:
    return reverse("spaces:announcements", kwargs={"territory": space.territory.slug, "space": space.slug})


@transaction.atomic
def announcement_send(*, space: Space, by, title: str, body: str, whole_territory: bool = False,
                      now=None) -> Announcement:
    """Keep the announcement and notify its audience (inside the transaction: both or neither)."""
    if not may_announce(by, space):
        raise DomainError(_("Seule la coordination de l'espace peut y publier une annonce."))
    if whole_territory and not may_announce_to_territory(by, space):
        raise DomainError(_("Seule la coordination du territoire peut écrire à tout le territoire."),
                          field="whole_territory")
    if whole_territory and space.visibility == Space.Visibility.MEMBERS:
        raise DomainError(nb(_("Publiez une annonce à tout le territoire depuis un espace ouvert au territoire{nbsp}: "
                               "celui-ci n'est visible que par ses membres.")), field="whole_territory")
    if space.status == Space.Status.CLOSED:
        raise DomainError(nb(_("Cet espace est fermé{nbsp}: on n'y publie plus d'annonce.")))
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre à l'annonce."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_("Le titre dépasse 150 caractères."), field="title")
    if not body:
        raise DomainError(_("Écrivez le texte de l'annonce."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_("Le texte dépasse 5 000 caractères."), field="body")
    now = now or timezone.now()
    _check_rate(space, whole_territory, now)
    scope = Announcement.Scope.TERRITORY if whole_territory else Announcement.Scope.SPACE
    announcement = Announcement.objects.create(space=space, scope=scope, title=title, body=body, author=by,
                                               sent_at=now)
    audit.record(action="announcement.sent", actor=by, target=announcement, space=space.pk, scope=scope)
    recipients = territory_audience(space.territory) if whole_territory else space_audience(space)
    notify("spaces.announcement", recipients=recipients, actor=by, once_key=f"announcement:{announcement.pk}",
           context={"announcement": announcement, "space": space, "territory": space.territory},
           link=list_url(space) + f"#annonce-{announcement.pk}",
           group=Group(key=f"space:{space.pk}", label=space.name, link=reverse(
               "spaces:space", kwargs={"territory": space.territory.slug, "space": space.slug})))
    return announcement


def _check_rate(space: Space, whole_territory: bool, now) -> None:
    """Refuse past the day's limits (the space's row locked: two sends at once count each other)."""
    Space.objects.select_for_update().filter(pk=space.pk).first()
    since = now - RATE_WINDOW
    if Announcement.objects.filter(space=space, sent_at__gt=since).count() >= PER_SPACE_PER_DAY:
        raise DomainError(nb(_("Cet espace a déjà publié %(count)s annonces en 24 heures{nbsp}: regroupez vos "
                               "nouvelles dans une seule annonce, ou attendez demain.") % {"count": PER_SPACE_PER_DAY}),
                          code="rate_limited")
    if whole_territory and Announcement.objects.filter(
            space__territory_id=space.territory_id, scope=Announcement.Scope.TERRITORY,
            sent_at__gt=since).count() >= TERRITORY_WIDE_PER_DAY:
        raise DomainError(nb(_("Le territoire a déjà reçu %(count)s annonces à tout le territoire en 24 heures{nbsp}: "
                               "envoyez celle-ci aux membres de l'espace, ou attendez demain.")
                             % {"count": TERRITORY_WIDE_PER_DAY}), field="whole_territory", code="rate_limited")


def announcements_of(space: Space):
    """The space's announcements, newest first (the author's name is read with them)."""
    return Announcement.objects.filter(space=space).select_related("author").order_by("-sent_at", "-pk")


def recent_announcements(space: Space) -> dict:
    """The few newest announcements for the space's page, and whether there are more (one query)."""
    rows = list(announcements_of(space)[:RECENT + 1])
    return {"announcements": rows[:RECENT], "more_announcements": len(rows) > RECENT}
