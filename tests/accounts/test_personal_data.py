"""A person's own data (Québec's Law 25; issue 19 item 4): the ZIP built by the apps' registry
holds the person's rows and nothing of anyone else, never a secret ballot's choice, never an
anonymous evaluation linked to her; the download is rate-limited and audited; erasing a voter keeps
every decision's result; notifications and invitations are kept for a set time only."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from concertation.accounts import personal_data
from concertation.accounts.services import EXPORTS_PER_DAY, user_erase
from concertation.core.models import AuditEvent
from concertation.decisions import ballots
from concertation.decisions import services as decisions
from concertation.decisions.models import Ballot, Participation, Proposal
from concertation.knowledge.discussions_registry import target
from concertation.knowledge.services.discussions import comment_post
from concertation.meetings.models import Attendance, FollowUp, Meeting, Rsvp
from concertation.meetings.services import evaluation as evaluation_svc
from concertation.notifications.models import Notification, Preference
from concertation.notifications.registry import dailies
from concertation.notifications.retention import notifications_retention_sweep
from concertation.spaces.models import Invitation
from concertation.spaces.personal_data import invitations_retention_sweep
from tests.decisions.test_ballots import make_proposal
from tests.factories import MeasurementFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

#: what belongs to the other person only: none of it may appear in Alice's export
BERNARD_ONLY = ["bernard.prive@example.org", "Bernard Gagnon", "438-555-0199", "tâche de Bernard",
                "raison de Bernard", "sans arachides Bernard", "commentaire de Bernard", "plus de Bernard"]
#: what Alice answered in secret or anonymously: never in her export either
ALICE_SECRET = ["raison secrète d'Alice", "plus d'Alice"]


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def act(world, person, word: str, *, meeting, public, secret, held):
    """What each of the two does: the same spaces, discussions, meetings and votes."""
    comment_post(entry=target("proposal"), obj=public, author=person, body=f"commentaire de {word}")
    Rsvp.objects.create(meeting=meeting, person=person, answer="yes", diet=f"sans arachides {word}")
    FollowUp.objects.create(space=world.assembly, meeting=meeting, what=f"tâche de {word}", person=person)
    ballots.ballot_cast(proposal=public, person=person, value="yes", reason=f"raison de {word}")
    ballots.ballot_cast(proposal=secret, person=person, value="no",
                        reason="raison secrète d'Alice" if word == "Alice" else "")
    Attendance.objects.create(meeting=held, person=person, status=Attendance.Status.PRESENT)
    evaluation_svc.evaluation_submit(meeting=held, person=person, answers={
        "objectives_met": 4, "everyone_could_speak": 4, "useful_to_my_organization": 4,
        "plus": f"plus d{'e ' if word == 'Bernard' else chr(39)}{word}", "delta": ""})


@pytest.fixture
def two(world):
    """Alice (the world's citizen) and Bernard share the assembly, a discussion, meetings and votes."""
    alice = world.citizen
    alice.display_name, alice.phone = "Alice Tremblay", "514-555-0101"
    alice.save()
    bernard = UserFactory(email="bernard.prive@example.org", display_name="Bernard Gagnon", phone="438-555-0199")
    MembershipFactory(space=world.assembly, organization=None, person=bernard, college=world.citizen_college)
    public = make_proposal(world, voting_unit="person", title="Vote à main levée")
    secret = make_proposal(world, voting_unit="person", anonymous=True, title="Vote secret")
    meeting = Meeting.objects.create(space=world.assembly, title="Plénière d'automne", status=Meeting.Status.CONVENED,
                                     starts_at=timezone.now() + timedelta(days=3),
                                     ends_at=timezone.now() + timedelta(days=3, hours=2))
    when = timezone.now() - timedelta(days=2)
    held = Meeting.objects.create(space=world.assembly, title="Bilan", starts_at=when,
                                  ends_at=when + timedelta(hours=2), status=Meeting.Status.HELD)
    for person, word in ((alice, "Alice"), (bernard, "Bernard")):
        act(world, person, word, meeting=meeting, public=public, secret=secret, held=held)
    Notification.objects.create(recipient=alice, actor=bernard, event="knowledge.mention", category="mentions",
                                context={"title": "Bernard Gagnon vous nomme"}, link="/t/pointe-test/")
    Preference.objects.create(person=alice, category="minutes", delivery="daily")
    MeasurementFactory(recorded_by=alice)
    return alice, bernard, public, secret


def test_the_export_holds_the_person_s_rows_and_nothing_of_anyone_else(two):
    alice, _bernard, public, secret = two
    files = unzip(personal_data.archive(alice))
    document = json.loads(files["donnees.json"])
    sections = {section["key"]: section for section in document["sections"]}
    assert set(sections) == {kind.key for kind in personal_data.kinds()}
    assert {f"{key}.csv" for key in sections} | {"donnees.json"} == set(files)

    everything = "\n".join(files.values())
    assert "citoyenne@example.org" in everything and "514-555-0101" in everything
    assert "commentaire de Alice" in everything and "tâche de Alice" in everything
    assert "sans arachides Alice" in everything and "raison de Alice" in everything
    for text in BERNARD_ONLY + ALICE_SECRET:
        assert text not in everything, text

    # The public vote's ballot is there; the secret one only as the fact of having voted.
    assert [row["proposal_title"] for row in sections["decisions.ballots"]["rows"]] == [public.title]
    secret_receipt = Ballot.objects.get(proposal=secret, person=alice).receipt
    assert secret_receipt not in everything
    voted = {row["proposal_title"]: row["secret"] for row in sections["decisions.participations"]["rows"]}
    assert voted == {public.title: False, secret.title: True}
    # The evaluation: that she answered, and the note that nothing links the answers to her.
    assert len(sections["meetings.evaluations"]["rows"]) == 1
    assert "anonymes" in sections["meetings.evaluations"]["note"]
    assert len(sections["planning.measurements"]["rows"]) == 1
    assert "knowledge.mention" in {row["event"] for row in sections["notifications.notifications"]["rows"]}


def test_a_closed_secret_vote_stays_out_of_the_export(client, world, two):
    alice, _bernard, _public, secret = two
    decisions.proposal_close(proposal=secret, by=world.coordinator)
    everything = "\n".join(unzip(personal_data.archive(alice)).values())
    assert "raison secrète d'Alice" not in everything
    assert all(receipt not in everything for receipt in Ballot.objects.filter(proposal=secret)
               .values_list("receipt", flat=True))


def test_the_page_and_the_download_rate_limited_and_audited(client, world, django_assert_max_num_queries):
    url = reverse("personal_data")
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(world.citizen)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "Télécharger mes données" in page.content.decode()
    assert url in client.get(reverse("profile")).content.decode()
    for _n in range(EXPORTS_PER_DAY):
        response = client.post(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "donnees.json" in unzip(response.content)
    assert AuditEvent.objects.filter(action="account.data_exported", actor=world.citizen).count() == EXPORTS_PER_DAY
    refused = client.post(url)
    assert refused.status_code == 429 and "aujourd" in refused.content.decode()
    assert AuditEvent.objects.filter(action="account.data_exported").count() == EXPORTS_PER_DAY


def test_the_export_reads_a_bounded_number_of_queries(two, django_assert_max_num_queries):
    alice, *_ = two
    with django_assert_max_num_queries(len(personal_data.kinds()) + 5):
        personal_data.archive(alice)


def test_erasing_a_voter_keeps_every_result_and_her_export_is_gone(world, two):
    alice, _bernard, public, secret = two
    closed = [decisions.proposal_close(proposal=p, by=world.coordinator) for p in (public, secret)]
    before = {p.pk: (p.result, decisions.recount(p), Ballot.objects.filter(proposal=p, counted=True).count(),
                     Participation.objects.filter(proposal=p).count()) for p in closed}
    user_erase(user=alice, by=alice)
    assert Rsvp.objects.filter(person=alice).values_list("diet", "accessibility").get() == ("", "")
    assert Rsvp.objects.get(person=_bernard).diet == "sans arachides Bernard"  # the other's stays
    for proposal in Proposal.objects.filter(pk__in=before):
        assert (proposal.result, decisions.recount(proposal), Ballot.objects.filter(proposal=proposal, counted=True).count(),
                Participation.objects.filter(proposal=proposal).count()) == before[proposal.pk]
    alice.refresh_from_db()
    files = unzip(personal_data.archive(alice))
    everything = "\n".join(files.values())
    for text in ("citoyenne@example.org", "Alice Tremblay", "514-555-0101"):
        assert text not in everything
    sections = {section["key"]: section for section in json.loads(files["donnees.json"])["sections"]}
    assert sections["notifications.notifications"]["rows"] == []
    assert sections["notifications.preferences"]["rows"] == []
    assert sections["accounts.email_addresses"]["rows"] == []


def test_retention_sweeps_delete_old_rows_once(world, settings):
    now = timezone.now()
    old, recent = (Notification.objects.create(recipient=world.citizen, event="x", category="notices")
                   for _n in range(2))
    Notification.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=400))
    assert notifications_retention_sweep(now) == 1
    assert notifications_retention_sweep(now) == 0  # run again: nothing more
    assert list(Notification.objects.values_list("pk", flat=True)) == [recent.pk]

    long_ago = now - timedelta(days=200)
    expired = Invitation.objects.create(space=world.assembly, email="a@example.org", expires_at=long_ago)
    revoked = Invitation.objects.create(space=world.assembly, email="b@example.org", revoked_at=long_ago)
    used = Invitation.objects.create(space=world.assembly, email="c@example.org", accepted_at=now - timedelta(days=10))
    pending = Invitation.objects.create(space=world.assembly, email="d@example.org")
    assert invitations_retention_sweep(now) == 2
    assert invitations_retention_sweep(now) == 0
    assert set(Invitation.objects.values_list("pk", flat=True)) == {used.pk, pending.pk}
    assert not Invitation.objects.filter(pk__in=[expired.pk, revoked.pk]).exists()

    settings.RETENTION_NOTIFICATIONS_DAYS = 0  # 0: kept forever
    Notification.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=4000))
    assert notifications_retention_sweep(now) == 0
    assert {"notifications.retention", "spaces.invitations_retention"} <= set(dailies())


def test_the_privacy_page_and_the_footer_name_the_contact(client, settings):
    settings.PRIVACY_CONTACT = "vie-privee@example.org"
    page = client.get(reverse("privacy"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "mailto:vie-privee@example.org" in html and "365" in html and "180" in html
    home = client.get("/").content.decode()
    assert reverse("privacy") in home and "vie-privee@example.org" in home
    settings.PRIVACY_CONTACT = "https://exemple.org/confidentialite"
    assert 'href="https://exemple.org/confidentialite"' in client.get("/").content.decode()
    english = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="en", headers={"Cookie": "concertation_language=en"})
    assert english.status_code == 200


def test_privacy_settings_are_checked_at_start(monkeypatch):
    from concertation import config

    assert config.privacy_contact("  vie-privee@example.org ") == "vie-privee@example.org"
    assert config.privacy_contact("mailto:vie-privee@example.org") == "vie-privee@example.org"
    assert config.privacy_contact("https://exemple.org/vie-privee") == "https://exemple.org/vie-privee"
    assert config.privacy_contact(None) == ""
    with pytest.raises(config.ConfigurationError, match="PRIVACY_CONTACT"):
        config.privacy_contact("Madame la directrice")
    monkeypatch.setenv("RETENTION_NOTIFICATIONS_DAYS", "-1")
    with pytest.raises(config.ConfigurationError, match="RETENTION_NOTIFICATIONS_DAYS"):
        config.retention_days("RETENTION_NOTIFICATIONS_DAYS", 365)
    monkeypatch.setenv("RETENTION_NOTIFICATIONS_DAYS", "30")
    assert config.retention_days("RETENTION_NOTIFICATIONS_DAYS", 365) == 30
