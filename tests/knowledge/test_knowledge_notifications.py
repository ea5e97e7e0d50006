"""Notifications of the knowledge app (knowledge-glue): a person named in a comment is told at once
(if she may see the object); a document added to a library is told, in the weekly digest by default,
to the people who may see it — never to someone who may not, never to its author. A new version
tells no one."""

from __future__ import annotations

import io

import pytest
from django.core import mail

from concertation.knowledge.discussions_registry import target
from concertation.knowledge.models import Mention
from concertation.knowledge.services import documents as document_services
from concertation.knowledge.services.discussions import comment_edit
from concertation.notifications.delivery import notification_email
from concertation.notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory
from tests.knowledge.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "email"]}}


def named(world):
    for user, name in ((world.delegate, "Dalia Delegate"), (world.citizen, "Claude Citoyenne"),
                       (world.outsider, "Olivier Dehors"), (world.facilitator, "Fanny Animation"),
                       (world.coordinator, "Camille Coordination")):
        user.display_name = name
        user.save(update_fields=["display_name"])


def a_document(world, *, space=None, visibility="territory", by=None):
    return document_services.document_add(space=space or world.group, by=by or world.facilitator,
                                          title="Bilan du chantier", url="https://example.org/bilan",
                                          visibility=visibility)


# Mentions ----------------------------------------------------------------------------------------

def test_a_mentioned_person_who_may_see_gets_one_notification_and_one_email(world, immediate_tasks,
                                                                           django_capture_on_commit_callbacks):
    named(world)
    document = a_document(world, space=world.committee, visibility="space", by=world.delegate)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = post(document, world.delegate,
                       "À relire, @[Camille Coordination] et @[Olivier Dehors] : <b>le bilan</b> **complet**.",
                       kind="document")
    (row,) = Notification.objects.filter(event="knowledge.mention")
    assert row.recipient == world.coordinator and row.category == "mentions"
    assert row.link.endswith(f"/documents/{document.pk}/#commentaire-{comment.pk}")
    assert row.group_key == f"space:{world.committee.pk}"
    assert row.context["author"]["pk"] == world.delegate.pk and row.context["object_label"] == "Bilan du chantier"
    assert "<" not in row.context["excerpt"] and "le bilan complet" in row.context["excerpt"]
    assert [message.to for message in mail.outbox] == [[world.coordinator.email]]
    assert "Dalia Delegate" in mail.outbox[0].subject
    assert Mention.objects.get(comment=comment).notified_at is not None
    # The outsider (who may not see the committee's document) is told nothing.
    assert not Notification.objects.filter(recipient=world.outsider).exists()


def test_an_edit_that_adds_a_name_tells_only_the_new_person(world, sheets):
    named(world)
    sheet = sheets["territory"]
    comment = post(sheet, world.delegate, "Merci @[Claude Citoyenne].", kind="practice_sheet")
    comment_edit(comment=comment, entry=target("practice_sheet"), obj=sheet, by=world.delegate,
                 body="Merci @[Claude Citoyenne] et @[Fanny Animation], @[Olivier Dehors].")
    rows = Notification.objects.filter(event="knowledge.mention").order_by("pk")
    assert [row.recipient for row in rows] == [world.citizen, world.facilitator]
    # A territory-wide sheet: grouped by its territory.
    assert {row.group_key for row in rows} == {f"territory:{world.territory.pk}"}
    for row in rows:
        message = notification_email(row)
        assert message is not None and "Fiche du territoire" in message.body


# Document added ----------------------------------------------------------------------------------

@pytest.fixture
def grid(world):
    """The member of the space (the group), a member of another space of the territory (the
    citizen, in the assembly), a person of another territory, and the author (who is a member too)."""
    author = UserFactory(email="autrice@example.org")
    MembershipFactory(space=world.group, organization=None, person=author)
    return {"space_member": world.facilitator, "other_space": world.citizen, "foreigner": world.foreigner,
            "author": author}


def told(grid) -> set[str]:
    ids = set(Notification.objects.filter(event="knowledge.document_added").values_list("recipient_id", flat=True))
    return {who for who, person in grid.items() if person.pk in ids}


@pytest.mark.parametrize("visibility,expected", [
    ("space", {"space_member"}),
    ("territory", {"space_member", "other_space"}),
    ("public", {"space_member", "other_space"}),
])
def test_a_document_added_tells_who_may_see_it(world, grid, visibility, expected):
    document = a_document(world, visibility=visibility, by=grid["author"])
    assert told(grid) == expected
    rows = Notification.objects.filter(event="knowledge.document_added")
    assert {row.category for row in rows} == {"documents"}
    for row in rows:
        assert row.recipient.has_perm("knowledge.view_document", document)
        assert notification_email(row) is not None


def test_a_members_only_space_tells_only_its_members_even_of_a_public_document(world):
    """The committee is members-only: a « public » document there is seen by its members (and the
    territory's coordinators) only, so only they are told."""
    document = a_document(world, space=world.committee, visibility="public", by=world.delegate)
    recipients = set(Notification.objects.filter(event="knowledge.document_added")
                     .values_list("recipient_id", flat=True))
    assert world.citizen.pk not in recipients and world.facilitator.pk not in recipients
    assert world.delegate.pk not in recipients  # the author
    assert recipients == {world.coordinator.pk}
    assert world.coordinator.has_perm("knowledge.view_document", document)


def test_a_new_version_tells_no_one(world, grid):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    document = document_services.document_add(space=world.group, by=grid["author"], title="Compte rendu",
                                              visibility="territory",
                                              file=SimpleUploadedFile("cr.pdf", pdf, "application/pdf"))
    before = Notification.objects.count()
    document_services.document_version_add(document=document, by=grid["author"],
                                           file=SimpleUploadedFile("cr2.pdf", io.BytesIO(pdf).read(),
                                                                   "application/pdf"))
    assert Notification.objects.count() == before


def test_the_weekly_digest_is_the_default_for_documents():
    from concertation.notifications import registry

    assert registry.event("knowledge.document_added").category == "documents"
    assert registry.category("documents").default == "weekly"
    assert registry.event("knowledge.mention").category == "mentions"
    assert registry.category("mentions").default == "immediate"


def test_a_document_narrowed_since_is_no_longer_shown_nor_sent_to_who_may_not_see_it(world, grid, client):
    """Told while it was open to the territory; narrowed to the space's members before the weekly
    digest: the member of another space no longer reads its title, in the centre or by e-mail."""
    from concertation.knowledge.models import Document

    document = a_document(world, visibility="territory", by=grid["author"])
    theirs = Notification.objects.get(event="knowledge.document_added", recipient=grid["other_space"])
    client.force_login(grid["other_space"])
    assert "Bilan du chantier" in client.get("/moi/notifications/").content.decode()
    Document.objects.filter(pk=document.pk).update(visibility="space")
    assert "Bilan du chantier" not in client.get("/moi/notifications/").content.decode()
    assert notification_email(theirs) is None
    mine = Notification.objects.get(event="knowledge.document_added", recipient=grid["space_member"])
    assert notification_email(mine) is not None  # a member of the space still sees it


def test_an_erased_authors_name_goes_from_the_notifications_that_named_them(world, client):
    """Erasing one's account (Law 25) takes one's name out of other people's notifications too: it is
    not kept as text in them (the centre, the e-mail, the database)."""
    from concertation.accounts.services import user_erase

    named(world)
    document = a_document(world, space=world.committee, visibility="space", by=world.delegate)
    post(document, world.delegate, "À relire, @[Camille Coordination].", kind="document")
    row = Notification.objects.get(event="knowledge.mention")
    client.force_login(world.coordinator)
    assert "Dalia Delegate" in client.get("/moi/notifications/").content.decode()
    user_erase(user=world.delegate, by=world.delegate)
    row.refresh_from_db()
    assert "Dalia" not in str(row.context)
    assert "Dalia" not in str(list(Notification.objects.values_list("context", flat=True)))
    assert "Dalia Delegate" not in client.get("/moi/notifications/").content.decode()
    message = notification_email(row)
    assert "Dalia" not in message.subject and "Dalia" not in message.body


def test_telling_a_territory_of_a_new_document_costs_the_same_queries_for_3_or_60_people(world):
    """The audience comes from the rule in one query, not from asking each person (issue 15 review)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 60):
        for _ in range(size - (counts and 3 or 0)):
            MembershipFactory(space=world.group, organization=None, person=UserFactory())
        with CaptureQueriesContext(connection) as queries:
            a_document(world, visibility="territory")
        counts.append(len(queries))
    assert Notification.objects.filter(event="knowledge.document_added").count() > 60
    assert counts[0] == counts[1]
