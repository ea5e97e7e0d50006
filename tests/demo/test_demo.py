"""The demo territory: complete, idempotent, rebuildable, and every demo account signs in. Its dates
are relative to the day it is loaded (demo/timeline.py): the story's dates are read through
``story(...)``."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from concertation.accounts.models import User
from concertation.decisions.eligibility import eligible_voters
from concertation.decisions.explain import explain
from concertation.decisions.models import Ballot, Participation, Proposal
from concertation.demo.loader import (
    ACCOUNT_EMAILS,
    ASSEMBLY,
    COMMITTEE,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    OPEN_PROPOSAL_DAYS,
    TERRITORY_SLUG,
    load_demo,
)
from concertation.demo.timeline import Timeline, day_text
from concertation.directory.models import College, Organization, Territory
from concertation.meetings.models import Evaluation, FollowUp, Meeting
from concertation.planning.models import Activity, Indicator, Measurement, Plan, Revision
from concertation.spaces.charter_text import rule_sentence
from concertation.spaces.models import Charter, Delegation, Membership, RoleAssignment, Space
from concertation.spaces.selectors import assignment_current_q, current_q

pytestmark = pytest.mark.django_db

EXPECTED_RULE = (
    "Décisions : consensus; à défaut, vote aux deux tiers des membres votants présents; une voix par "
    "organisme; quorum : 50 % + 1 des membres votants, dont au moins une citoyenne ou un citoyen."
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def story(year, month, day):
    """Where a date of the demo's story falls when the demo is loaded today."""
    return Timeline(timezone.localdate()).on(date(year, month, day))


def counts():
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    return {
        "territories": Territory.objects.filter(slug=TERRITORY_SLUG).count(),
        "spaces": Space.objects.filter(territory=territory).count(),
        "organizations": Organization.objects.filter(territory=territory).count(),
        "citizens": Membership.objects.filter(space__territory=territory, person__isnull=False)
        .values("person").distinct().count(),
        "memberships": Membership.objects.filter(space__territory=territory).count(),
        "delegations": Delegation.objects.filter(membership__space__territory=territory).count(),
        "assignments": RoleAssignment.objects.filter(role__space__territory=territory).count(),
        "charters": Charter.objects.filter(space__territory=territory).count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "proposals": Proposal.objects.filter(space__territory=territory).count(),
        "decided": Proposal.objects.filter(space__territory=territory, status="decided").count(),
        "open": Proposal.objects.filter(space__territory=territory, status="open").count(),
        "ballots": Ballot.objects.filter(proposal__space__territory=territory).count(),
        "meetings": Meeting.objects.filter(space__territory=territory).count(),
        "follow_ups": FollowUp.objects.filter(space__territory=territory).count(),
        "evaluations": Evaluation.objects.filter(meeting__space__territory=territory).count(),
        "plans": Plan.objects.filter(space__territory=territory).count(),
        "plan_revisions": Revision.objects.filter(plan__space__territory=territory).count(),
        "measurements": Measurement.objects.filter(indicator__plan__space__territory=territory).count(),
    }


def test_loading_builds_the_whole_territory(client):
    summary = load_demo()
    assert not summary.already_loaded
    assert (summary.spaces, summary.organizations, summary.citizens, summary.accounts) == (5, 15, 3, 6)

    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    assert Space.objects.filter(territory=territory).count() == 5
    assert Organization.objects.filter(territory=territory).count() == 15
    assert counts()["citizens"] == 3
    assembly = Space.objects.get(territory=territory, slug=ASSEMBLY)
    assert assembly.parent is None and assembly.visibility == Space.Visibility.PUBLIC
    assert set(assembly.children.values_list("slug", flat=True)) == {
        COMMITTEE, "habiter-dignement", "se-nourrir-ensemble", "reussir-et-s-inserer"
    }
    # Every organization sits in the assembly; the funder and the caisse observe.
    members = Membership.objects.filter(space=assembly)
    assert members.filter(organization__isnull=False).count() == 15
    assert set(members.filter(category="observer").values_list("organization__acronym", flat=True)) == {
        "Caisse des Hérons", "Centraide"
    }
    # Each member organization has a current delegate and a current alternate everywhere it sits.
    for membership in Membership.objects.filter(space__territory=territory, organization__isnull=False):
        kinds = sorted(membership.delegations.filter(current_q()).values_list("kind", flat=True))
        assert kinds == ["alternate", "delegate"], membership
    # The coordination committee: 7 seats, 4 community, 2 institutional, 1 citizen.
    committee = Membership.objects.filter(space__slug=COMMITTEE, space__territory=territory)
    assert committee.count() == 7
    assert sorted(committee.values_list("college__slug", flat=True)) == [
        "citoyen", "communautaire", "communautaire", "communautaire", "communautaire",
        "institutionnel", "institutionnel",
    ]
    assert territory.coordinators.filter(email="coordination@demo.concertation.quebec").exists()

    for account in DEMO_ACCOUNTS:
        assert client.login(email=account.email, password=DEMO_PASSWORD), account.email
        assert EmailAddress.objects.filter(email=account.email, verified=True, primary=True).exists()
        client.logout()
    admin = User.objects.get(email="admin@demo.concertation.quebec")
    assert admin.is_staff and admin.is_superuser
    # The other people of the demo cannot sign in.
    assert not User.objects.get(email="sophie.morin@comitelogement-pah.example").has_usable_password()


def test_loading_twice_changes_nothing():
    load_demo()
    before = counts()
    summary = load_demo()
    assert summary.already_loaded
    assert counts() == before


def test_reset_rebuilds_the_same_territory(client):
    load_demo()
    before = counts()
    old_pk = Territory.objects.get(slug=TERRITORY_SLUG).pk
    summary = load_demo(reset=True)
    assert not summary.already_loaded
    assert counts() == before
    assert Territory.objects.get(slug=TERRITORY_SLUG).pk != old_pk
    assert client.login(email=DEMO_ACCOUNTS[0].email, password=DEMO_PASSWORD)


def test_an_already_loaded_demo_restores_the_demo_passwords(client):
    load_demo()
    user = User.objects.get(email=DEMO_ACCOUNTS[1].email)
    user.set_password("autre-chose-123456")
    user.save()
    load_demo()
    assert client.login(email=user.email, password=DEMO_PASSWORD)


def test_exactly_one_current_term_ends_within_30_days():
    load_demo()
    today = timezone.localdate()
    soon = RoleAssignment.objects.filter(
        assignment_current_q(), role__space__territory__slug=TERRITORY_SLUG,
        end__isnull=False, end__lte=today + timedelta(days=30),
    )
    assert soon.count() == 1
    assert soon.get().ends_soon()
    current = RoleAssignment.objects.filter(assignment_current_q(), role__space__territory__slug=TERRITORY_SLUG)
    assert [a.pk for a in current if a.ends_soon()] == [soon.get().pk]
    # The roles of DOMAIN.md are all held.
    kinds = set(current.values_list("role__kind", flat=True))
    assert kinds == {
        "coordination", "co_chair", "facilitation", "secretary", "spokesperson", "fiscal_sponsor", "treasurer"
    }
    sponsor = current.get(role__kind="fiscal_sponsor")
    assert sponsor.person is None and sponsor.organization.name == "Carrefour familial des Hérons"
    assert set(current.filter(role__kind="co_chair").values_list("organization__acronym", flat=True)) == {
        "CLPAH", "CLSC des Hérons"
    }


def test_the_assembly_charter_reads_as_expected():
    load_demo()
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    colleges = {college.slug: college for college in College.objects.filter(territory=territory)}
    assert set(colleges) == {"communautaire", "institutionnel", "municipal", "citoyen", "prive", "bailleur"}
    charter = Charter.objects.get(space__territory=territory, space__slug=ASSEMBLY, in_force=True)
    assert charter.adopted_on == story(2025, 9, 18) < timezone.localdate()
    assert charter.adoption_note == f"Assemblée des partenaires du {day_text(charter.adopted_on)}"
    assert "Règles de fonctionnement" in charter.rules_text
    assert rule_sentence(charter, colleges).replace("\u00a0", " ") == EXPECTED_RULE
    assert Charter.objects.filter(space__territory=territory, in_force=True).count() == 5
    group = Charter.objects.get(space__territory=territory, space__slug="habiter-dignement", in_force=True)
    assert (group.method, group.voting_unit, group.quorum_kind) == ("consent", "person", "none")


def test_the_command_loads_and_prints_the_accounts():
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    text = out.getvalue()
    assert Territory.objects.filter(slug=TERRITORY_SLUG).exists()
    assert DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    for account in DEMO_ACCOUNTS:
        assert account.email in text

    out = StringIO()
    call_command("demo", "--load-only", "--addrport", "0.0.0.0:8123", stdout=out)
    assert "déjà chargée" in out.getvalue()
    assert "http://127.0.0.1:8123/" in out.getvalue()


def plain(text):
    return text.replace("\u00a0", " ")


def test_the_demo_has_decisions_in_the_register_and_one_open_proposal(client):
    summary = load_demo()
    assert (summary.decisions, summary.open_proposals) == (4, 1)
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    proposals = Proposal.objects.filter(space__territory=territory)
    decided = proposals.filter(status="decided").order_by("decided_at")
    assert decided.count() == 4
    assert [timezone.localtime(p.decided_at).date() for p in decided] == [
        story(2025, 9, 18), story(2025, 9, 18), story(2025, 10, 7), story(2025, 11, 25)]
    assert all(p.outcome and p.result for p in decided)

    # The charter's adoption: consensus in the assembly's meeting, the result stored at closing.
    adoption = decided.get(adopts_charter__isnull=False)
    assert adoption.adopts_charter == Charter.objects.get(space__slug=ASSEMBLY, space__territory=territory,
                                                          in_force=True)
    assert (adoption.method, adoption.origin, adoption.space.slug) == ("consensus", "meeting", ASSEMBLY)
    assert plain(adoption.outcome).startswith("La charte de l'Assemblée des partenaires")
    assert "est adoptée par consensus" in adoption.outcome
    assert adoption.result["adopted"] is True and adoption.result["quorum"]["met"] is True
    assert Participation.objects.filter(proposal=adoption, organization__isnull=False).count() == 12
    assert plain(explain(adoption)).startswith("Consensus atteint : 13 d'accord, 1 en retrait")

    # 7 October: the committee's envelope, carried 5-0-0 after two organizations stepped out.
    envelope = decided.get(space__slug=COMMITTEE)
    assert plain(envelope.title) == "Répartition de l'enveloppe de 120 000 $"
    assert envelope.method == "majority" and envelope.follows is not None
    assert envelope.result["counts"] == {"yes": 5, "no": 0, "abstain": 0}
    assert envelope.result["adopted"] is True
    assert set(envelope.recusals.values_list("organization__acronym", flat=True)) == {"La Marmite",
                                                                                       "CJE des Rivières"}
    assert plain(explain(envelope)).startswith("Adoptée : 5 pour, 0 contre, 0 abstentions")

    # One open online proposal in the assembly: the demo delegate and citizen may vote and have not.
    proposal = proposals.get(status="open")
    assert proposal.space.slug == ASSEMBLY and proposal.origin == "online"
    assert proposal.accepting_ballots()
    # It closes at 5 p.m., on the day OPEN_PROPOSAL_DAYS after the load.
    closes = timezone.localtime(proposal.closes_at)
    assert closes.date() == timezone.localdate() + timedelta(days=OPEN_PROPOSAL_DAYS)
    assert (closes.hour, closes.minute) == (17, 0)
    voters = eligible_voters(proposal)
    voted = set(Participation.objects.filter(proposal=proposal).values_list("voter_key", flat=True))
    delegate = User.objects.get(email=ACCOUNT_EMAILS["delegate"])
    citizen = User.objects.get(email=ACCOUNT_EMAILS["citizen"])
    carrefour = Organization.objects.get(territory=territory, acronym="CFH")
    assert f"o:{carrefour.pk}" in voters and delegate.pk in voters[f"o:{carrefour.pk}"].casters
    assert f"u:{citizen.pk}" in voters
    assert f"o:{carrefour.pk}" not in voted and f"u:{citizen.pk}" not in voted
    assert 2 <= len(voted) <= 6

    # The register shows the public decisions to anonymous visitors, the committee's to its members.
    response = client.get(f"/t/{TERRITORY_SLUG}/decisions/")
    assert response.status_code == 200
    assert {row.proposal.pk for row in response.context["rows"]} == set(
        decided.filter(space__slug=ASSEMBLY).values_list("pk", flat=True))
    client.force_login(delegate)
    response = client.get(f"/t/{TERRITORY_SLUG}/decisions/")
    assert len(response.context["rows"]) == 4


def test_the_five_past_meetings_with_minutes_follow_ups_and_evaluations(client):
    from concertation.meetings.evaluation import meeting_averages
    from concertation.meetings.followups import follow_ups_for_meeting
    from concertation.meetings.models import Attendance, ConflictDeclaration, Minutes

    load_demo()
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    # The story's autumn (the year before it, build_history.py, is tested below).
    autumn = timezone.make_aware(datetime.combine(story(2025, 9, 18), time.min))
    meetings = list(Meeting.objects.filter(space__territory=territory, starts_at__lt=timezone.now(),
                                           starts_at__gte=autumn)
                    .order_by("starts_at").select_related("space", "minutes"))
    assert [(timezone.localtime(m.starts_at).date(), m.space.slug) for m in meetings] == [
        (story(2025, 9, 18), ASSEMBLY), (story(2025, 10, 7), COMMITTEE), (story(2025, 10, 21), "habiter-dignement"),
        (story(2025, 11, 4), "se-nourrir-ensemble"), (story(2025, 11, 25), ASSEMBLY),
    ]
    # The year before (issue 18's metrics): six meetings, minutes adopted, facilitation and notes taken
    # in turn, items proposed by members, follow-ups done on time and late.
    history = Meeting.objects.filter(space__territory=territory, starts_at__lt=autumn)
    assert history.count() == 6 and set(history.values_list("status", flat=True)) == {"minutes_adopted"}
    assert len(set(history.values_list("facilitator", flat=True))) >= 5
    assert history.filter(items__proposed_by__isnull=False).count() >= 5
    late = FollowUp.objects.filter(meeting__in=history, status="done", done_on__gt=F("due_on")).count()
    assert 0 < late < FollowUp.objects.filter(meeting__in=history).count()
    # The weekdays of the story are kept: the assembly on Thursdays, the committee on Tuesdays.
    assert [timezone.localtime(m.starts_at).weekday() for m in meetings] == [3, 1, 1, 1, 1]
    september, committee, housing, food, plenary = meetings
    # Minutes: adopted (and locked) except the last plenary's, which circulates for comment.
    assert [m.minutes.status for m in meetings] == ["adopted"] * 4 + ["circulated"]
    assert [m.status for m in meetings] == ["minutes_adopted"] * 4 + ["held"]
    assert september.minutes.adopted_at_meeting == plenary
    assert all(m.minutes.adopted_body == m.minutes.body != "" for m in meetings[:4])
    assert plenary.minutes.comments.count() == 1
    # Agendas from the standard agenda, attendance, 3 to 6 follow-ups each, evaluations.
    for meeting in meetings:
        roles = set(meeting.items.values_list("standard_role", flat=True))
        assert {"adopt_agenda", "adopt_minutes", "follow_ups", "evaluation"} <= roles, meeting
        assert Attendance.objects.filter(meeting=meeting, status="present").count() >= 4, meeting
        assert 3 <= meeting.follow_ups.count() <= 6, meeting
        assert meeting.evaluations.exists(), meeting
        assert "## Présences" in meeting.minutes.body and "## Registre des décisions" in meeting.minutes.body
    # 7 October: two members step out; the envelope of 120 000 $ carried 5-0-0 (the register's decision).
    envelope_item = committee.items.get(proposal__isnull=False)
    assert envelope_item.proposal.status == "decided"
    assert envelope_item.proposal.result["counts"] == {"yes": 5, "no": 0, "abstain": 0}
    assert ConflictDeclaration.objects.filter(item=envelope_item).count() == 2
    assert Proposal.objects.filter(space__territory=territory, status="decided").count() == 4
    assert "5 pour, 0 contre, 0 abstentions" in committee.minutes.adopted_body.replace("\u00a0", " ")
    # The plenary: open follow-ups of September roll forward; the evaluation averages 4,3 / 5.
    rolled = set(follow_ups_for_meeting(plenary).values_list("meeting_id", flat=True))
    assert rolled == {september.pk}
    assert meeting_averages(plenary).overall == 4.3
    assert "4,3\u00a0/\u00a05" in plenary.minutes.body
    assert Minutes.objects.filter(meeting__in=meetings, status="adopted").count() == 4

    # The meeting pages of the demo answer (the minutes page is readable by the members).
    client.force_login(User.objects.get(email=ACCOUNT_EMAILS["delegate"]))
    base = f"/t/{TERRITORY_SLUG}/e/{ASSEMBLY}/rencontres"
    assert client.get(f"{base}/{september.pk}/proces-verbal/").status_code == 200
    assert client.get(f"{base}/{plenary.pk}/evaluation/").status_code == 200
    assert client.get(f"{base}/suivis/").status_code == 200


def test_the_plan_de_quartier_is_complete(client):
    from concertation.planning.dashboard import build_dashboard
    from concertation.planning.selectors import plan_tree

    load_demo()
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    plan = Plan.objects.get(space__territory=territory)
    years = f"{plan.starts_on.year}-{plan.starts_on.year + 5}"
    assert (plan.title, plan.space.slug, plan.status) == (f"Plan de quartier {years}", ASSEMBLY, "adopted")
    assert plan.adopted_on == story(2025, 9, 18) and plan.adopted_by.space.slug == ASSEMBLY
    assert timezone.localtime(plan.adopted_by.decided_at).date() == plan.adopted_on
    # Adopted by its own decision, taken after the charter's, the same evening.
    assert plan.adopted_by.adopts_charter is None and plan.adopted_by.title == f"Adoption du plan de quartier {years}"
    # 3 priorities, each with its strategies (6 in all) and 2 activities per strategy, with leads.
    tree = plan_tree(plan, with_indicators=True)
    assert [node.title for node in tree.priorities] == ["Habiter dignement", "Se nourrir ensemble",
                                                        "Réussir et s'insérer"]
    assert tree.count("strategy") == 6 and tree.count("activity") == 12
    strategies = [node for node in tree.nodes() if node.kind == "strategy"]
    assert all(len(strategy.children) == 2 for strategy in strategies)
    activities = Activity.objects.filter(strategy__plan=plan)
    assert not activities.filter(lead__isnull=True).exists()
    assert activities.filter(co_leads__isnull=False).distinct().count() >= 6
    assert not activities.filter(budget_amount__isnull=True).exists()
    assert not activities.filter(working_group__isnull=True).exists()
    assert set(activities.values_list("status", flat=True)) >= {"planned", "in_progress", "done"}
    # Indicators with targets from DOMAIN.md and two years of measurements.
    indicators = Indicator.objects.filter(plan=plan)
    targets = {indicator.name.replace("\u00a0", " "): (indicator.target_value, indicator.direction)
               for indicator in indicators}
    assert targets["Ménages locataires accompagnés"] == (300, "increase")
    assert targets["Logements sociaux et communautaires engagés"] == (48, "increase")
    assert targets["Jeunes accompagnés vers l'emploi ou les études"] == (150, "increase")
    assert targets["Taux de sortie sans diplôme ni qualification"] == (15, "decrease")
    assert targets["Part des personnes citoyennes aux assemblées"] == (30, "increase")
    assert targets["Ménages joints par les activités alimentaires"] == (1300, "increase")  # raised from 1 200
    for indicator in indicators:
        days = sorted(indicator.measurements.values_list("date", flat=True))
        assert (days[-1] - days[0]).days >= 365 and days[-1] < timezone.localdate(), indicator.name
    assert indicators.filter(activity__isnull=False).exists() and indicators.filter(objective__isnull=True,
                                                                                    activity__isnull=True).exists()
    # Two revisions, each linked to the decision that authorised it.
    revisions = Revision.objects.filter(plan=plan).order_by("made_at")
    assert [(r.item_type, sorted(r.diff)) for r in revisions] == [("activity", ["co_leads", "lead"]),
                                                                 ("indicator", ["target_value"])]
    assert all(r.decision is not None and r.decision.status == "decided" and r.reason for r in revisions)
    assert revisions[0].diff["lead"] == ["Épicerie solidaire Le Panier du Héron", "Maison des aînés du Héron"]
    # The dashboard shows every status, overdue activities and the revisions.
    board = build_dashboard(plan)
    statuses = {view.status.key for block in board.all_blocks for view in block.indicators}
    assert statuses == {"on_track", "at_risk", "off_track"}
    assert board.overdue and len(board.revisions) == 2
    client.force_login(User.objects.get(email=ACCOUNT_EMAILS["coordinator"]))
    base = f"/t/{TERRITORY_SLUG}/e/{ASSEMBLY}/plan/{plan.pk}"
    for path in ("/", "/tableau-de-bord/", "/bilan/"):
        assert client.get(base + path).status_code == 200, path


def test_the_demo_documents_are_real_files_that_download(client, django_capture_on_commit_callbacks):
    """Every document link of the demo answers with its file (they were all 404: issue 12), to those
    who see the meeting only; a reset deletes the old files."""
    import re

    from django.core.files.storage import default_storage

    from concertation.core.files import is_random_name
    from concertation.knowledge.models import DocumentVersion

    load_demo()
    versions = list(DocumentVersion.objects.filter(document__agenda_items__isnull=False)
                    .select_related("document").order_by("document__pk"))
    year = story(2025, 9, 18).year
    assert [v.download_name for v in versions] == [
        f"Bilan {year - 1}-{year}.pdf", "budget-confidentiel.pdf", "besoins-des-comites.txt",
        "appel-de-projets-logement.pdf"]
    assert all(is_random_name(v.file.name) for v in versions)
    client.force_login(User.objects.get(email=ACCOUNT_EMAILS["citizen"]))  # sits on the committee too
    links = {}
    for version in versions:
        document = version.document
        meeting = document.agenda_items.select_related("meeting__space").get().meeting
        page = client.get(f"/t/{TERRITORY_SLUG}/e/{meeting.space.slug}/rencontres/{meeting.pk}/").content.decode()
        link = re.search(rf'<a href="([^"]+)">{re.escape(document.title)}</a>', page).group(1)
        document_page = client.get(link).content.decode()
        download = re.search(r'<a href="([^"]+/v1/)">', document_page).group(1)
        response = client.get(download)
        content = b"".join(response.streaming_content)
        assert response.status_code == 200, download
        assert content == default_storage.open(version.file.name).read()
        assert content.startswith(b"%PDF-1.4") == version.download_name.endswith(".pdf")
        links[meeting.space.slug] = download
    committee_link = links[COMMITTEE]  # a document of the members-only committee's meeting
    client.force_login(User.objects.get(email=ACCOUNT_EMAILS["observer"]))
    assert client.get(committee_link).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        load_demo(reset=True)
    assert not any(default_storage.exists(v.file.name) for v in versions)
    assert DocumentVersion.objects.filter(document__agenda_items__isnull=False).count() == 4


# The demo's absolute links follow --addrport (issue 12, defect 10) ---------------------------------

@pytest.mark.parametrize("addrport, site_url", [
    ("0.0.0.0:8123", "http://127.0.0.1:8123"),
    ("8123", "http://127.0.0.1:8123"),
    ("localhost:9000", "http://localhost:9000"),
    ("192.168.1.20:8000", "http://192.168.1.20:8000"),
    ("[::1]:8000", "http://[::1]:8000"),
    ("[::]:8000", "http://127.0.0.1:8000"),
])
def test_site_url_is_the_address_the_demo_serves(settings, monkeypatch, addrport, site_url):
    from concertation.demo.management.commands.demo import configure_site_url

    monkeypatch.delenv("SITE_URL", raising=False)
    assert configure_site_url(addrport) == site_url
    assert settings.SITE_URL == site_url


def test_site_url_from_the_environment_is_kept(settings, monkeypatch):
    from concertation.demo.management.commands.demo import configure_site_url

    monkeypatch.setenv("SITE_URL", "https://demo.example.org")
    settings.SITE_URL = "https://demo.example.org"
    assert configure_site_url("0.0.0.0:8123") == "https://demo.example.org"


def test_the_served_demo_writes_its_own_address_in_calendars_and_notices(
        client, settings, monkeypatch, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.urls import reverse

    from concertation.demo.management.commands import demo as demo_command
    from concertation.meetings.services import agenda as services_agenda

    monkeypatch.delenv("SITE_URL", raising=False)
    settings.SITE_URL = "http://127.0.0.1:8000"  # the DEBUG default the demo had before
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "email"]}}
    served = []

    def fake_call_command(name, *args, **kwargs):
        if name == "runserver":
            served.append(args)  # the server itself is not started
            return None
        return call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    out = StringIO()
    call_command("demo", "--addrport", "0.0.0.0:8123", stdout=out)
    assert served == [("0.0.0.0:8123",)]
    assert "http://127.0.0.1:8123" in out.getvalue()

    meeting = Meeting.objects.filter(space__territory__slug=TERRITORY_SLUG).order_by("-starts_at").first()
    kwargs = {"territory": TERRITORY_SLUG, "space": meeting.space.slug}
    coordinator = User.objects.get(email=DEMO_ACCOUNTS[0].email)
    client.force_login(coordinator)
    starts = timezone.now() + timedelta(days=10)
    draft = services_agenda.meeting_create(space=meeting.space, by=coordinator, title="Rencontre de test",
                                           starts_at=starts, ends_at=starts + timedelta(hours=2),
                                           address="1000, rue des Hérons")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:convene", kwargs={**kwargs, "pk": draft.pk}))
    assert mail.outbox
    for message in mail.outbox:
        assert "http://127.0.0.1:8123/" in message.body
        assert "127.0.0.1:8000" not in message.body
    for url in (reverse("meetings:meeting_ics", kwargs={**kwargs, "pk": draft.pk}),
                reverse("meetings:space_feed", kwargs=kwargs)):
        content = client.get(url).content.decode().replace("\r\n ", "")  # unfold iCalendar lines
        assert "http://127.0.0.1:8123/" in content
        assert "127.0.0.1:8000" not in content

