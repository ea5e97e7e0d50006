"""What the knowledge app tells people, through the notifications layer (issue 16): a person named
in a comment (« mentions », sent at once by default) and a document added to a space's library
(« documents », in the weekly digest by default).

``register()`` runs from knowledge's set-up (setup/documents.py); the services call the ``notify_*``
functions inside their transaction, so the rows commit or roll back with the write. Recipients are
computed here, within what each person may see.
"""

from __future__ import annotations

import html

from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from concertation.core.richtext import render_markdown
from concertation.notifications.api import Group, notify, register_event
from concertation.spaces.events import (
    space_group,  # the one way to group by space
    space_visible,
)

EXCERPT_LENGTH = 200


def register() -> None:
    register_event("knowledge.mention", category="mentions", label=_("Mention dans un commentaire"),
                   template="knowledge/notifications/mention", visible=space_visible)
    register_event("knowledge.document_added", category="documents", label=_("Document ajouté"),
                   template="knowledge/notifications/document_added", visible=document_visible)


def document_visible(person, context) -> bool:
    """The hook of « document added »: the person still sees the document (its visibility may have
    been narrowed, or the person removed from its space, since). No query once access is known."""
    from concertation.spaces.access import access_for
    from concertation.spaces.models import Space

    from .models import Document
    from .rules_documents import sees

    if not space_visible(person, context):
        return False
    document, space = context.get("document"), context.get("space")
    if not isinstance(document, Document):
        return True  # made before documents were named in the context: their space was checked
    if isinstance(space, Space) and space.pk == document.space_id:
        document.space = space  # the space already loaded with the context (no query)
    return sees(access_for(person), document)


def territory_group(territory) -> Group:
    return Group(key=f"territory:{territory.pk}", label=territory.name,
                 link=reverse("spaces:territory", kwargs={"territory": territory.slug}))


def excerpt(body: str) -> str:
    """A short plain-text excerpt of a comment (its rich text rendered, then stripped of tags)."""
    text = html.unescape(strip_tags(render_markdown(body or "")))
    return Truncator(" ".join(text.split())).chars(EXCERPT_LENGTH)


def notify_mentions(comment, mentions, entry, obj) -> int:
    """One notification to each person newly named in ``comment`` (``mentions``: Mention rows just
    created, each for a person who may see ``obj``), then mark them delivered to the layer."""
    if not mentions:
        return 0
    space = entry.space_of(obj)
    group = space_group(space) if space is not None else territory_group(entry.territory_of(obj))
    link = f"{entry.url_of(obj)}#commentaire-{comment.pk}"
    label, text = str(entry.label_of(obj)), excerpt(comment.body)
    sent = 0
    for mention in mentions:
        person = mention.person
        sent += notify("knowledge.mention", recipients=[person], actor=comment.author,
                       once_key=f"comment:{comment.pk}", link=link, group=group, context={
                           # The author as a person, named when shown (accounts/privacy.py): an
                           # erased account's name then goes from every notification too.
                           "author": comment.author,
                           "object_label": label, "excerpt": text, "place": group.label,
                           **({"space": space} if space is not None else {})})
    from .models import Mention

    Mention.objects.filter(pk__in=[mention.pk for mention in mentions]).update(notified_at=timezone.now())
    return sent


def document_audience(document):
    """Who hears that ``document`` was added, derived from the rule instead of asked person by person
    (a territory of thousands would cost a query each inside the upload): a « membres de l'espace »
    document, or any document of a members-only space, goes to the people the space's news is for;
    otherwise to the territory's people, who all see a space open to the territory or to the public.
    The layer's ``visible`` hook (document_visible) still checks each person when a notification is
    shown or sent, so nobody ever reads what they may not see."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from concertation.directory.models import Territory
    from concertation.spaces.audience import space_audience, territory_audience
    from concertation.spaces.models import Space

    space = document.space
    if document.visibility == document.Visibility.SPACE or space.visibility == Space.Visibility.MEMBERS:
        # The space's people, and the territory's coordinators, who see every space of it.
        coordinators = Territory.coordinators.through.objects.filter(territory_id=space.territory_id)
        return get_user_model().objects.filter(
            Q(pk__in=space_audience(space).values("pk")) | Q(pk__in=coordinators.values("user_id")), is_active=True)
    return territory_audience(space.territory_id)


def notify_document_added(document, *, by=None) -> int:
    from .setup.documents import document_url

    recipients = document_audience(document).exclude(pk=getattr(by, "pk", None))
    space = document.space
    return notify("knowledge.document_added", recipients=recipients, actor=by, once_key=f"document:{document.pk}",
                  link=document_url(document), group=space_group(space), context={
                      "document": document, "space": space, "title": document.title, "space_name": space.name,
                      "author": by if getattr(by, "pk", None) else None,
                  })
