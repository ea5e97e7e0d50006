"""Documents joined to proposals, agenda items and plan actions (issue 15): from the object's page,
join a document of the space's library or upload a new one (it lands in the library); the object's
page shows only the joined documents the person may see; taking one off keeps it in the library."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concertation.decisions import services as decisions
from concertation.knowledge.models import Document
from concertation.knowledge.services import documents as services
from concertation.planning import services as planning

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 annexe"


def T(space) -> dict:
    return {"territory": space.territory.slug, "space": space.slug}


def proposal_of(world):
    proposal = decisions.proposal_create(space=world.assembly, author=world.coordinator, title="Prolonger la halte",
                                         body="Pour l'été.")
    return decisions.proposal_open(proposal=proposal, by=world.coordinator)


def test_a_member_joins_a_library_document_and_uploads_a_new_one_to_a_proposal(world, client_for):
    proposal = proposal_of(world)
    existing = services.document_add(space=world.assembly, by=world.coordinator, title="Portrait",
                                     kind="portrait", visibility="public", url="https://exemple.org/portrait")
    url = reverse("decisions:proposal_documents", kwargs={**T(world.assembly), "pk": proposal.pk})
    client = client_for(world.citizen)
    assert client.post(url, {"action": "attach", "document": existing.pk}).status_code == 302
    assert client.post(url, {"action": "new", "title": "Budget détaillé", "kind": "funding", "visibility": "space",
                             "file": SimpleUploadedFile("budget.pdf", PDF)}).status_code == 302
    assert set(proposal.documents.values_list("title", flat=True)) == {"Portrait", "Budget détaillé"}
    new = Document.objects.get(title="Budget détaillé")
    assert new.space == world.assembly and new.author == world.citizen and new.versions.get().filename == "budget.pdf"
    page = client.get(reverse("decisions:proposal", kwargs={**T(world.assembly), "pk": proposal.pk})).content.decode()
    assert "Budget détaillé" in page and "Portrait" in page
    # The members-only document is not shown to a visitor of the public assembly.
    public = client_for(None).get(reverse("decisions:proposal", kwargs={**T(world.assembly), "pk": proposal.pk}))
    assert "Budget détaillé" not in public.content.decode() and "Portrait" in public.content.decode()


def test_a_document_of_another_space_cannot_be_joined(world, client_for):
    proposal = proposal_of(world)
    elsewhere = services.document_add(space=world.committee, by=world.coordinator, title="Du comité",
                                      url="https://exemple.org/comite")
    url = reverse("decisions:proposal_documents", kwargs={**T(world.assembly), "pk": proposal.pk})
    client_for(world.coordinator).post(url, {"action": "attach", "document": elsewhere.pk})
    assert not proposal.documents.exists()


def test_outsiders_cannot_join_and_a_renamed_program_joins_nothing(world, client_for, settings):
    proposal = proposal_of(world)
    url = reverse("decisions:proposal_documents", kwargs={**T(world.assembly), "pk": proposal.pk})
    data = {"action": "new", "title": "Annexe", "url": "https://exemple.org/a"}
    assert client_for(world.facilitator).post(url, data).status_code == 404  # not in the assembly
    refused = client_for(world.delegate).post(url, {"action": "new", "title": "Annexe", "kind": "other",
                                                    "file": SimpleUploadedFile("annexe.pdf", b"MZ\x90\x00rest")})
    assert refused.status_code == 302
    assert not Document.objects.exists() and not proposal.documents.exists()


def test_taking_a_document_off_keeps_it_in_the_library(world, client_for):
    proposal = proposal_of(world)
    document = services.document_add(space=world.assembly, by=world.citizen, title="Annexe",
                                      url="https://exemple.org/a", visibility="public")
    proposal.documents.add(document)
    url = reverse("decisions:proposal_documents", kwargs={**T(world.assembly), "pk": proposal.pk})
    client_for(world.delegate).post(url, {"action": "detach", "document": document.pk})  # not its author
    assert proposal.documents.exists()
    client_for(world.citizen).post(url, {"action": "detach", "document": document.pk})
    assert not proposal.documents.exists() and Document.objects.filter(pk=document.pk).exists()


def test_an_action_of_the_plan_joins_documents_from_its_page(world, client_for):
    plan = planning.plan_create(space=world.assembly, title="Plan", starts_on=date(2026, 1, 1),
                                ends_on=date(2028, 12, 31))
    strategy = planning.strategy_add(plan=plan, title="Informer")
    activity = planning.activity_add(strategy=strategy, title="Clinique locataires", lead=world.org)
    kwargs = {**T(world.assembly), "plan": plan.pk, "item": activity.pk}
    client = client_for(world.delegate)  # the delegate of the lead organization
    response = client.post(reverse("planning:activity_documents", kwargs=kwargs),
                           {"action": "new", "title": "Affiche", "kind": "guide", "visibility": "public",
                            "file": SimpleUploadedFile("affiche.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)})
    assert response.status_code == 302
    assert list(activity.documents.values_list("title", flat=True)) == ["Affiche"]
    page = client.get(reverse("planning:progress_add", kwargs=kwargs)).content.decode()
    assert "Affiche" in page
    assert client_for(world.observer).post(reverse("planning:activity_documents", kwargs=kwargs),
                                           {"action": "new", "title": "X", "url": "https://e.org"}).status_code == 404


def test_reporting_on_an_action_is_no_right_to_add_to_its_spaces_library(world, client_for):
    """The delegate of the lead organization who is not a member of the plan's space may report on the
    action and join a document already there, not upload into that space's library."""
    from tests.factories import (
        DelegationFactory,
        MembershipFactory,
        OrganizationFactory,
        UserFactory,
    )

    outside = OrganizationFactory(territory=world.territory, name="Organisme du chantier")
    delegate = UserFactory(display_name="Personne déléguée du chantier")
    DelegationFactory(membership=MembershipFactory(space=world.group, organization=outside), person=delegate)
    plan = planning.plan_create(space=world.assembly, title="Plan", starts_on=date(2026, 1, 1),
                                ends_on=date(2028, 12, 31))
    strategy = planning.strategy_add(plan=plan, title="Informer")
    activity = planning.activity_add(strategy=strategy, title="Clinique locataires", lead=outside)
    kwargs = {**T(world.assembly), "plan": plan.pk, "item": activity.pk}
    assert delegate.has_perm("planning.report_progress", activity)
    client = client_for(delegate)
    response = client.post(reverse("planning:activity_documents", kwargs=kwargs),
                           {"action": "new", "title": "Affiche", "kind": "guide", "visibility": "public",
                            "file": SimpleUploadedFile("affiche.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)},
                           follow=True)
    assert "Seuls les membres de l" in response.content.decode()
    assert not Document.objects.filter(title="Affiche").exists() and not activity.documents.exists()


def test_a_closed_proposals_documents_are_part_of_its_record(world, client_for):
    proposal = proposal_of(world)
    kept = services.document_add(space=world.assembly, by=world.coordinator, title="Annexe du vote", kind="report",
                                 visibility="public", url="https://example.org/annexe")
    proposal.documents.add(kept)
    decisions.proposal_close(proposal=proposal)
    client = client_for(world.coordinator)
    url = reverse("decisions:proposal_documents", kwargs={**T(world.assembly), "pk": proposal.pk})
    page = client.post(url, {"action": "detach", "document": kept.pk}, follow=True).content.decode()
    assert "ses documents font partie de son dossier" in page
    assert list(proposal.documents.all()) == [kept]
    client.post(url, {"action": "new", "title": "Ajout tardif", "url": "https://example.org/tard"})
    assert not Document.objects.filter(title="Ajout tardif").exists()
    assert 'value="detach"' not in page  # no form offered


def test_an_agenda_item_joins_a_library_document_from_its_form(world, client_for):
    from concertation.meetings.models import Meeting
    from concertation.meetings.services import agenda

    meeting = agenda.meeting_create(space=world.assembly, by=world.coordinator, title="Assemblée",
                                    starts_at=Meeting().starts_at or _soon(), ends_at=_soon(hours=2))
    item = agenda.item_add(meeting=meeting, by=world.coordinator, title="Portrait", minutes_allotted=10)
    document = services.document_add(space=world.assembly, by=world.coordinator, title="Portrait 2026",
                                      kind="portrait", visibility="public", url="https://exemple.org/p")
    url = reverse("meetings:item_edit", kwargs={**T(world.assembly), "pk": meeting.pk, "item": item.pk})
    response = client_for(world.coordinator).post(url, {"title": "Portrait", "kind": "information",
                                                        "minutes_allotted": 10, "attach_documents": [document.pk]})
    assert response.status_code == 302
    assert list(item.documents.all()) == [document]


def _soon(hours: int = 0):
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.now() + timedelta(days=7, hours=hours)).replace(microsecond=0)


def test_the_proposal_page_reads_its_documents_in_a_fixed_number_of_queries(world, client_for):
    proposal = proposal_of(world)
    url = reverse("decisions:proposal", kwargs={**T(world.assembly), "pk": proposal.pk})
    client = client_for(world.citizen)
    counts = []
    for size in (1, 8):
        for n in range(size):
            proposal.documents.add(services.document_add(space=world.assembly, by=world.citizen, title=f"Annexe {n}",
                                                         url=f"https://exemple.org/{n}", visibility="public"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_notice_lists_only_the_agenda_documents_its_reader_may_see(world, client_for, monkeypatch):
    """Review: the notice (its PDF, readable by anyone who sees a public meeting, and each person's
    e-mail) listed every document of the agenda, the title and link of a members-only one included."""
    from django.template.loader import render_to_string

    from concertation.meetings import notice, pdf
    from concertation.meetings.services import agenda

    monkeypatch.setattr(pdf, "render_pdf", lambda template, context, *args, **kwargs: render_to_string(template, context).encode())
    meeting = agenda.meeting_create(space=world.assembly, by=world.coordinator, title="Assemblée",
                                    starts_at=_soon(), ends_at=_soon(hours=2))
    item = agenda.item_add(meeting=meeting, by=world.coordinator, title="Budget", minutes_allotted=10)
    shown = services.document_add(space=world.assembly, by=world.coordinator, title="Portrait public",
                                  visibility="public", url="https://exemple.org/portrait")
    secret = services.document_add(space=world.assembly, by=world.coordinator, title="Budget confidentiel",
                                   visibility="space", url="https://exemple.org/lien-secret-du-budget")
    item.documents.add(shown, secret)
    agenda.meeting_convene(meeting=meeting, by=world.coordinator, base_url="https://concertation.example")
    url = reverse("meetings:notice_pdf", kwargs={**T(world.assembly), "pk": meeting.pk})
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 200
    body = anonymous.content.decode()
    assert "Portrait public" in body
    assert "Budget confidentiel" not in body and "lien-secret-du-budget" not in body
    member = client_for(world.coordinator).get(url).content.decode()
    assert "Budget confidentiel" in member and "lien-secret-du-budget" in member
    # Each person's e-mail notice is read the same way.
    items = [item]
    outsider = notice.notice_context(meeting, items, viewer=world.outsider)
    assert [document.title for _row_item, document, _url in outsider["documents"]] == ["Portrait public"]
    for_member = notice.notice_for(meeting, world.coordinator, "notice")
    assert {document.title for _row_item, document, _url in for_member["documents"]} == {
        "Portrait public", "Budget confidentiel"}


def test_the_join_select_offers_the_other_documents_of_the_library_escaped(world, client_for):
    """Issue 20: the select's options are written once in Python from values (1 731 documents at L)."""
    proposal = proposal_of(world)
    joined = services.document_add(space=world.assembly, by=world.coordinator, title="Annexe jointe",
                                   url="https://exemple.org/jointe", visibility="public")
    other = services.document_add(space=world.assembly, by=world.coordinator, title='<b>Budget "final"</b>',
                                  url="https://exemple.org/budget", visibility="public")
    proposal.documents.add(joined)
    page = client_for(world.citizen).get(
        reverse("decisions:proposal", kwargs={**T(world.assembly), "pk": proposal.pk})).content.decode()
    options = page[page.index('<select id="attach-document"'):]
    options = options[:options.index("</select>")]
    assert f'<option value="{other.pk}">&lt;b&gt;Budget &quot;final&quot;&lt;/b&gt;</option>' in options
    assert f'value="{joined.pk}"' not in options
    assert 'href="https://exemple.org/jointe"' in page


def test_the_join_select_offers_the_most_recent_documents_and_a_search_finds_the_others(world, client_for,
                                                                                         monkeypatch):
    """Issue 20: a library of thousands made a select no one reads on a phone: the select offers the
    PICKER_SIZE most recent (by title), says how many others there are, and a search (GET, so without
    JavaScript too) finds them, among the documents the person may join only."""
    from concertation.knowledge import selectors_documents

    monkeypatch.setattr(selectors_documents, "PICKER_SIZE", 3)
    proposal = proposal_of(world)
    added = [services.document_add(space=world.assembly, by=world.coordinator, title=title,
                                   url=f"https://exemple.org/{n}", visibility="public")
             for n, title in enumerate(["Budget 2025", "Annexe ancienne", "Procès-verbal", "Zonage", "Carte"])]
    proposal.documents.add(added[2])  # joined: listed above, never offered
    services.document_add(space=world.committee, by=world.coordinator, title="Budget du comité",
                          url="https://exemple.org/comite", visibility="public")
    url = reverse("decisions:proposal", kwargs={**T(world.assembly), "pk": proposal.pk})
    client = client_for(world.citizen)

    def select_of(page):
        options = page[page.index('<select id="attach-document"'):]
        return options[:options.index("</select>")]

    page = client.get(url).content.decode()
    # The three most recent of the four others, by title; the one left out is counted.
    assert [int(pk) for pk in re.findall(r'<option value="(\d+)"', select_of(page))] == [
        added[1].pk, added[4].pk, added[3].pk]  # « Budget 2025 », the oldest, left out
    assert "La liste propose les 3 documents les plus récents; cherchez l'autre par son titre." in page
    assert '<label for="attach-search">' in page and 'name="recherche_document"' in page
    assert '<details class="card" open>' not in page

    found = client.get(url, {"recherche_document": "  budget   2025 "}).content.decode()
    assert '<details class="card" open>' in found and 'value="budget 2025"' in found
    assert [int(pk) for pk in re.findall(r'<option value="(\d+)"', select_of(found))] == [added[0].pk]
    assert "1 document trouvé pour «\u00a0budget 2025\u00a0»." in found
    assert "Budget du comité" not in found  # another space's library
    joined_only = client.get(url, {"recherche_document": "Procès"}).content.decode()
    assert '<select id="attach-document"' not in joined_only
    assert "Aucun autre document de la bibliothèque ne correspond à «\u00a0Procès\u00a0»." in joined_only


def test_the_choices_count_the_others_of_the_library_and_read_only_those_offered(world, monkeypatch,
                                                                                  django_assert_num_queries):
    from concertation.knowledge import selectors_documents

    monkeypatch.setattr(selectors_documents, "PICKER_SIZE", 2)
    proposal = proposal_of(world)
    documents = [services.document_add(space=world.assembly, by=world.coordinator, title=f"Annexe {n}",
                                       url=f"https://exemple.org/{n}", visibility="space") for n in range(5)]
    proposal.documents.add(documents[0])
    selectors_documents.attachment_choices(world.citizen, world.assembly, proposal.documents)  # her access, read once
    with django_assert_num_queries(1):
        choices = selectors_documents.attachment_choices(world.citizen, world.assembly, proposal.documents)
    assert [document.pk for document in choices.joined] == [documents[0].pk]
    assert choices.offered == [(documents[3].pk, "Annexe 3"), (documents[4].pk, "Annexe 4")]
    assert (choices.found, choices.more) == (4, 2)
    searched = selectors_documents.attachment_choices(world.citizen, world.assembly, proposal.documents,
                                                      search="annexe 1")
    assert searched.offered == [(documents[1].pk, "Annexe 1")] and searched.found == 1 and searched.more == 0
    assert [document.pk for document in searched.joined] == [documents[0].pk]  # joined ones are always listed
    # Someone outside the space sees none of its members-only documents.
    outside = selectors_documents.attachment_choices(world.outsider, world.assembly, proposal.documents)
    assert (outside.joined, outside.offered, outside.found) == ([], [], 0)
    closed = selectors_documents.attachment_choices(world.citizen, world.assembly, proposal.documents, offer=False,
                                                    search="annexe 1")
    assert [document.pk for document in closed.joined] == [documents[0].pk] and closed.offered == []
