"""The governance-health pages and their CSV: who may see them, what they show, the period, and a
query count that does not grow with the data (the same at two sizes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concertation.core.formatting import NBSP
from concertation.meetings.models import AgendaItem, Attendance, Evaluation, FollowUp, Meeting
from concertation.spaces.models import Membership

from .conftest import days_ago, moment

pytestmark = pytest.mark.django_db


def space_url(metrics_world, name="health:space"):
    return reverse(name, kwargs={"territory": metrics_world.territory.slug, "space": metrics_world.X.slug})


def territory_url(metrics_world, name="health:territory"):
    return reverse(name, kwargs={"territory": metrics_world.territory.slug})


def period_query():
    return f"?du={days_ago(99).isoformat()}&au={days_ago(0).isoformat()}"


def test_a_member_sees_the_space_page(client, metrics_world):
    client.force_login(metrics_world.a)
    response = client.get(space_url(metrics_world) + period_query())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Santé de la gouvernance — La table</h1>" in html
    assert html.count('role="img"') >= 8  # the charts, each followed by its table
    assert html.count("<table") >= html.count('role="img"')
    # Facilitation not held by staff: 2 of 3 meetings now (66,7 %), 0 of 1 before: +66,7 pts.
    assert f"66,7{NBSP}%" in html and f"+66,7{NBSP}pts" in html
    assert "insights/health/_assessment_slot.html" not in html  # the slot is there, empty
    # The space's tabs show the page, marked current.
    assert f'href="{space_url(metrics_world)}" aria-current="page"' in html or 'aria-current="page">Santé' in html


@pytest.mark.parametrize("who", ["outsider", "M"])
def test_people_who_do_not_sit_in_the_space_get_404(client, metrics_world, who):
    client.force_login(getattr(metrics_world, who))
    assert client.get(space_url(metrics_world)).status_code == 404
    assert client.get(space_url(metrics_world, "health:space_csv")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, metrics_world):
    for url in (space_url(metrics_world), territory_url(metrics_world), territory_url(metrics_world, "health:territory_csv")):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_the_territory_page_counts_only_the_spaces_one_may_see(client, metrics_world):
    # M sits in Y (a coordination role) but not in X (members only): the territory's page counts
    # Y only, so none of X's 11 presences.
    client.force_login(metrics_world.M)
    response = client.get(territory_url(metrics_world) + period_query())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Comité privé" in html and "La table" not in html
    # K coordinates the territory: the territory's page links to it; X and Y, the 11 presences of X's meetings.
    client.force_login(metrics_world.K)
    assert f'href="{territory_url(metrics_world)}"' in client.get(f"/t/{metrics_world.territory.slug}/").content.decode()
    html = client.get(territory_url(metrics_world) + period_query()).content.decode()
    assert space_url(metrics_world) in html
    assert ">11<" in html
    # Outside the territory: 404.
    client.force_login(metrics_world.outsider)
    assert client.get(territory_url(metrics_world)).status_code == 404


def test_csv_holds_every_measure_of_both_periods(client, metrics_world):
    client.force_login(metrics_world.K)
    response = client.get(space_url(metrics_world, "health:space_csv") + period_query())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Famille;Mesure;Catégorie;")
    # Follow-ups done on time: 33,3 now, 100 before, −66,7; 1 of 3.
    # (a cell starting with « - » is quoted by core.tabular against formula injection)
    assert "Suivis;Suivis faits à temps;;33,3;100;'-66,7;1;3" in lines
    assert "Présences;Présences par organisme;Org B;3;0;3;;" in lines


def test_presets_and_a_wrong_date(client, metrics_world):
    client.force_login(metrics_world.a)
    html = client.get(space_url(metrics_world) + "?periode=6").content.decode()
    assert 'aria-current="true">6 derniers mois' in html
    response = client.get(space_url(metrics_world) + "?du=2026-13-45")
    assert response.status_code == 200
    assert "La date de début n&#x27;est pas une date valide" in response.content.decode()


def grow(metrics_world, n: int) -> None:
    """More of everything the families read: n more held meetings with attendance, items,
    evaluations and follow-ups, n more citizens."""
    from tests.factories import UserFactory

    people = [UserFactory() for _ in range(n)]
    Membership.objects.bulk_create([Membership(space=metrics_world.X, person=p, start=days_ago(300)) for p in people])
    for k in range(n):
        meeting = Meeting.objects.create(space=metrics_world.X, title=f"Extra {k}", starts_at=moment(2 + k),
                                         ends_at=moment(2 + k, 20), status=Meeting.Status.HELD,
                                         facilitator=people[k], secretary=metrics_world.b)
        Attendance.objects.bulk_create([Attendance(meeting=meeting, person=p) for p in people]
                                       + [Attendance(meeting=meeting, person=metrics_world.b, organization=metrics_world.B)])
        AgendaItem.objects.create(meeting=meeting, title="x", proposed_by=people[k])
        Evaluation.objects.create(meeting=meeting, objectives_met=3, everyone_could_speak=3,
                                  useful_to_my_organization=3)
        FollowUp.objects.create(space=metrics_world.X, what="x", due_on=days_ago(1 + k), status=FollowUp.Status.DONE,
                                done_on=days_ago(1 + k) + timedelta(days=1))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["health:space", "health:space_csv"])
def test_queries_do_not_grow_with_the_data(client, metrics_world, django_assert_max_num_queries, name):
    client.force_login(metrics_world.K)
    url = space_url(metrics_world, name) + period_query()
    client.get(url)  # warm the session and the caches
    # The page's own reads, the metrics (5: memberships and role terms, meetings, actions, presences,
    # the families' counts) and, on the space's page, the self-assessment's summary beside them (up
    # to 3): the budget of issue 20 (15).
    with django_assert_max_num_queries(15):
        small = count_queries(client, url)
    grow(metrics_world, 12)
    assert count_queries(client, url) == small


def test_territory_queries_do_not_grow_with_the_data(client, metrics_world, django_assert_max_num_queries):
    client.force_login(metrics_world.K)
    url = territory_url(metrics_world) + period_query()
    client.get(url)
    with django_assert_max_num_queries(12):  # the metrics' 5 queries and the page's own reads
        small = count_queries(client, url)
    grow(metrics_world, 12)
    assert count_queries(client, url) == small


def test_a_long_breakdown_shows_its_largest_categories_and_the_others_together():
    from concertation.insights.metrics import Breakdown, Family, FamilyResult
    from concertation.insights.pages_health import SHOWN, _family_view

    rows = [(f"Organisme {n:02}", 40 - n) for n in range(SHOWN + 5)]
    current = FamilyResult("attendance", breakdowns=[Breakdown("by_organization", "Présences par organisme", rows)])
    previous = FamilyResult("attendance", breakdowns=[Breakdown("by_organization", "Présences par organisme",
                                                                [("Organisme 99", 3)])])
    view = _family_view(Family("attendance", current, previous)).breakdowns[0]
    assert len(view.rows) == SHOWN + 1
    # The 5 smallest (40 - 15 … 40 - 19 = 25 + 24 + 23 + 22 + 21 = 115) and Organisme 99 (0 now, 3 before).
    assert view.rows[-1] == ("Les 6 autres", "115", "3")
    assert view.chart.count("<rect") == SHOWN + 1


def test_the_table_rows_written_in_python_escape_every_value():
    """BreakdownView.rows_html and FamilyView.trend_html: one <tr> a row, the template's markup, every
    value escaped (a name can hold markup)."""
    from concertation.insights.pages_health import BreakdownView, FamilyView

    breakdown = BreakdownView("by_organization", "Présences", None,
                              [("<b>Org</b> & cie", "12", "3"), ("Autre", "1", "0")])
    html = breakdown.rows_html
    assert html.count("<tr>") == 2
    assert ('<tr><th scope="row" data-label="Catégorie">&lt;b&gt;Org&lt;/b&gt; &amp; cie</th>'
            '<td data-label="Cette période" class="numeric">12</td>'
            '<td data-label="Période précédente" class="numeric">3</td></tr>') in html
    family = FamilyView("evaluations", "Évaluation", "", "", [],
                        trend_rows=[("3 mars 2026", "Rencontre <i>spéciale</i>", "4,50", 1234)])
    html = family.trend_html
    assert "Rencontre &lt;i&gt;spéciale&lt;/i&gt;" in html and "<i>" not in html
    assert '<td data-label="Évaluations" class="numeric">1234</td>' in html or "1\u00a0234" in html
    from concertation.insights.pages_health import MeasureRow

    family = FamilyView("leadership", "Rôles", "", "", [
        MeasureRow("share", "Part <b>des</b> rôles", "50,0 %", "—", "—", "1 sur 2", ""),
        MeasureRow("count", "Mandats", "3", "2", "+1")])
    html = family.measures_html
    assert html.count("<tr>") == 2 and "<b>" not in html and "Part &lt;b&gt;des&lt;/b&gt; rôles" in html
    assert ('<td data-label="Cette période" class="numeric">50,0 % <span class="muted">(1 sur 2)</span></td>\n'
            '        <td data-label="Période précédente" class="numeric">—</td>') in html
    assert '<td data-label="Écart" class="numeric">+1</td>' in html
