"""The index follows creations, edits, deletions and changes of visibility, inside the write's
transaction; a rebuild gives the same index as the upkeep; deletions leave no orphan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from concertation.decisions import services as decisions
from concertation.knowledge.discussions_registry import target as discussion_target
from concertation.knowledge.models import DocumentVersion
from concertation.knowledge.services.discussions import comment_hide, comment_post
from concertation.knowledge.services.documents import document_add
from concertation.meetings.services.agenda import meeting_convene, meeting_create
from concertation.search.index import rebuild
from concertation.search.models import Entry
from concertation.search.selectors import search

pytestmark = pytest.mark.django_db

SNAPSHOT_FIELDS = ("kind", "object_id", "territory_id", "space_id", "date", "title", "body", "url", "audience",
                   "author_id", "parent_kind", "parent_id")


def snapshot():
    return sorted(Entry.objects.values_list(*SNAPSHOT_FIELDS))


def keys(user, territory, q):
    return {(hit.kind, hit.object_id) for hit in search(user, territory, q, page_size=1000).hits}


def fts_rows():
    if connection.vendor != "sqlite":
        return Entry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_fts")
        return cursor.fetchone()[0]


def test_create_edit_delete_and_visibility(world):

    w = world
    proposal = decisions.proposal_create(space=w.assembly, author=w.citizen, title="Jardin collectif", body="Des bacs.")
    assert ("proposal", proposal.pk) in keys(w.citizen, w.territory, "jardin")        # her draft
    assert ("proposal", proposal.pk) not in keys(w.delegate, w.territory, "jardin")  # someone else's draft
    decisions.proposal_open(proposal=proposal, by=w.coordinator)
    assert ("proposal", proposal.pk) in keys(w.delegate, w.territory, "jardin")      # out of draft
    assert ("proposal", proposal.pk) in keys(None, w.territory, "jardin")

    proposal.refresh_from_db()
    proposal.title = "Serre communautaire"
    proposal.save()
    assert ("proposal", proposal.pk) not in keys(None, w.territory, "jardin")
    assert ("proposal", proposal.pk) in keys(None, w.territory, "serre")

    comment = comment_post(entry=discussion_target("proposal"), obj=proposal, author=w.citizen, body="Tomates cerises")
    assert ("comment", comment.pk) in keys(None, w.territory, "tomates")
    comment_hide(comment=comment, entry=discussion_target("proposal"), obj=proposal, by=w.coordinator, reason="Non.")
    assert ("comment", comment.pk) not in keys(w.coordinator, w.territory, "tomates")

    soon = timezone.now() + timedelta(days=10)
    meeting = meeting_create(space=w.assembly, by=w.coordinator, title="Rencontre maraîchère",
                             starts_at=soon, ends_at=soon + timedelta(hours=2))
    assert ("meeting", meeting.pk) not in keys(w.citizen, w.territory, "maraichere")   # in preparation
    assert ("meeting", meeting.pk) in keys(w.coordinator, w.territory, "maraichere")
    meeting_convene(meeting=meeting, by=w.coordinator, base_url="https://concertation.test")
    assert ("meeting", meeting.pk) in keys(w.citizen, w.territory, "maraichere")

    document = document_add(space=w.assembly, by=w.coordinator, title="Rapport potager", visibility="space",
                            url="https://exemple.org/potager")
    assert ("document", document.pk) not in keys(None, w.territory, "potager")
    assert ("document", document.pk) in keys(w.citizen, w.territory, "potager")
    document.visibility = "public"
    document.save()
    assert ("document", document.pk) in keys(None, w.territory, "potager")

    before = snapshot()
    rebuild()
    assert snapshot() == before
    assert fts_rows() == Entry.objects.count()

    decisions_count = Entry.objects.filter(space=w.assembly).count()
    assert decisions_count > 3
    document.delete()
    assert not Entry.objects.filter(kind="document", object_id=document.pk).exists()
    assert fts_rows() == Entry.objects.count()


def test_document_text_and_space_deletion_leave_no_orphan(world):
    w = world
    document = document_add(space=w.group, by=w.facilitator, title="Annexe", visibility="space",
                            url="https://exemple.org/annexe")
    DocumentVersion.objects.create(document=document, number=1, file="documents/x.pdf", filename="x.pdf",
                                   content_type="application/pdf", text="Compostage communautaire en ruelle")
    assert ("document", document.pk) in keys(w.facilitator, w.territory, "compostage")
    assert ("document", document.pk) not in keys(w.citizen, w.territory, "compostage")   # not a member
    assert ("document", document.pk) not in keys(None, w.territory, "compostage")
    group_id = w.group.pk
    w.group.delete()
    assert not Entry.objects.filter(space_id=group_id).exists()
    assert fts_rows() == Entry.objects.count()


def test_people_by_display_name_only_for_the_territory(world):
    w = world
    w.citizen.display_name = "Gertrude Tremblay"
    w.citizen.save()
    assert ("person", w.citizen.pk) in keys(w.delegate, w.territory, "gertrude")
    assert ("person", w.citizen.pk) in keys(w.coordinator, w.territory, "tremblay")
    for outside in (None, w.outsider, w.foreigner):
        assert ("person", w.citizen.pk) not in keys(outside, w.territory, "gertrude")
    assert not keys(w.coordinator, w.territory, "citoyenne")  # her e-mail address is never indexed
    assert not Entry.objects.filter(kind="person", title__icontains="@").exists()
    w.citizen_membership.end = timezone.localdate() - timedelta(days=1)
    w.citizen_membership.save()
    assert ("person", w.citizen.pk) not in keys(w.coordinator, w.territory, "gertrude")
    before = snapshot()
    rebuild()
    assert snapshot() == before


def test_rebuild_command_one_territory(world, capsys):
    before = snapshot()
    call_command("search_rebuild", territory=world.territory.slug)
    call_command("search_rebuild")
    assert "entries indexed" in capsys.readouterr().out
    assert snapshot() == before


def test_the_daily_sweep_follows_ties_that_begin_or_end_with_the_calendar(world):
    """A membership that ends (or begins) by its dates, with no write on that day: the person's
    entry follows once the daily sweep has run; a second run changes nothing."""
    from concertation.notifications.registry import dailies
    from concertation.search.sweeps import people_sweep
    from concertation.spaces.models import Membership

    w = world
    w.citizen.display_name = "Gertrude Tremblay"
    w.citizen.save()
    today = timezone.localdate()
    assert ("person", w.citizen.pk) in keys(w.coordinator, w.territory, "gertrude")
    assert dailies()["search.people"] is people_sweep
    # The last day of her only tie was yesterday: nothing was written since (a queryset update
    # sends no signal, as the passing of a day does not).
    Membership.objects.filter(pk=w.citizen_membership.pk).update(end=today - timedelta(days=1))
    assert ("person", w.citizen.pk) in keys(w.coordinator, w.territory, "gertrude")  # stale until the sweep
    assert people_sweep(timezone.now()) >= 1
    assert ("person", w.citizen.pk) not in keys(w.coordinator, w.territory, "gertrude")
    before = snapshot()
    people_sweep(timezone.now())
    assert snapshot() == before
    # A membership that begins today, recorded earlier with its start in the future.
    Membership.objects.filter(pk=w.citizen_membership.pk).update(start=today, end=None)
    assert ("person", w.citizen.pk) not in keys(w.coordinator, w.territory, "gertrude")
    people_sweep(timezone.now())
    assert ("person", w.citizen.pk) in keys(w.coordinator, w.territory, "gertrude")
