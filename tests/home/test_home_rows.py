"""The lines of the home written in Python (home/rows.py) are those its template loop wrote: the loop
as it was, kept here, renders the same rows to the same bytes, in French and in English, for every
case of a line (answered or not, running or not, with or without the one-tap form, text to escape)."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from concertation.home import rows

NEXT_MEETINGS_LOOP = """{% load i18n %}{% for row in meetings %}
        <li class="home-meeting">
          <a href="{{ row.url }}">{{ row.meeting.title }}</a> <span class="muted">— {{ row.space.name }}</span>
          <br>{{ row.when }}{% if row.in_progress %} <span class="badge badge-ok">{% translate "En cours" %}</span>{% endif %}
          {% if row.can_answer %}
            <form method="post" action="{{ row.url }}" class="rsvp-quick">
              {% csrf_token %}
              {% for name, value in row.needs.items %}<input type="hidden" name="{{ name }}" value="{{ value }}">{% endfor %}
              <p id="reponse-{{ row.meeting.pk }}">{% if row.answer %}{% blocktranslate with answer=row.answer_label %}Votre réponse : <strong>{{ answer }}</strong>{% endblocktranslate %}{% else %}<strong>{% translate "Serez-vous là?" %}</strong> {% translate "Vous n'avez pas encore répondu." %}{% endif %}</p>
              <div class="actions" role="group" aria-labelledby="reponse-{{ row.meeting.pk }}">
                <button type="submit" name="answer" value="yes" class="button button-small{% if row.answer != 'yes' %} button-secondary{% endif %}" aria-pressed="{% if row.answer == 'yes' %}true{% else %}false{% endif %}">{% translate "Oui" %}</button>
                <button type="submit" name="answer" value="no" class="button button-small{% if row.answer != 'no' %} button-secondary{% endif %}" aria-pressed="{% if row.answer == 'no' %}true{% else %}false{% endif %}">{% translate "Non" %}</button>
                <button type="submit" name="answer" value="maybe" class="button button-small{% if row.answer != 'maybe' %} button-secondary{% endif %}" aria-pressed="{% if row.answer == 'maybe' %}true{% else %}false{% endif %}">{% translate "Peut-être" %}</button>
              </div>
            </form>
          {% endif %}
        </li>
      {% endfor %}"""

VOTES_LOOP = """{% load i18n %}{% for row in votes %}
        <li>
          <a href="{{ row.url }}">{{ row.proposal.title }}</a> <span class="muted">— {{ row.space.name }}</span>
          <br>{{ row.closing }}
          <br>{% if row.voted %}{% if row.for_organization %}<span class="badge badge-ok badge-long">{% blocktranslate with name=row.for_organization %}Le vote de {{ name }} est enregistré{% endblocktranslate %}</span>{% else %}<span class="badge badge-ok">{% translate "Votre vote est enregistré" %}</span>{% endif %}
            <a href="{{ row.url }}#vote">{% translate "Revoir mon vote" %}</a>
          {% else %}<span class="badge badge-warn">{% translate "Vous n'avez pas encore voté" %}</span>
            <a class="button button-small" href="{{ row.url }}#vote">{% blocktranslate with title=row.proposal.title %}Voter<span class="visually-hidden"> sur « {{ title }} »</span>{% endblocktranslate %}</a>{% endif %}
        </li>
      {% endfor %}"""
FOLLOW_UPS_LOOP = """{% load i18n %}{% for row in follow_ups %}
        <li><a href="{{ row.url }}">{{ row.what }}</a> <span class="muted">— {{ row.space.name }}{% if row.organization and row.person_id != user.pk %}, {{ row.organization.name }}{% endif %}</span>
          {% if row.overdue %}<span class="badge badge-danger badge-long">{% blocktranslate with day=row.due_day %}En retard depuis le {{ day }}{% endblocktranslate %}</span>
          {% elif row.due_day %}<span class="badge badge-long">{% blocktranslate with day=row.due_day %}Pour le {{ day }}{% endblocktranslate %}</span>{% endif %}</li>
      {% endfor %}"""
DECISIONS_LOOP = """{% load i18n %}{% for row in decisions %}
        <li><a href="{{ row.url }}">{{ row.proposal.title }}</a> <span class="muted">— {{ row.space.name }}</span>
          <span class="badge badge-long">{% blocktranslate with day=row.day %}Décision du {{ day }}{% endblocktranslate %}</span></li>
      {% endfor %}"""
MINUTES_LOOP = """{% load i18n %}{% for row in minutes %}
        <li><a href="{{ row.url }}">{% blocktranslate with title=row.meeting.title %}Procès-verbal — {{ title }}{% endblocktranslate %}</a> <span class="muted">— {{ row.space.name }}, {{ row.day }}</span>
          <span class="badge badge-long">{% if row.adopted %}{% translate "Adopté" %}{% else %}{% translate "En circulation, vos commentaires sont attendus" %}{% endif %}</span></li>
      {% endfor %}"""

TODO_LOOPS = {
    "convene": """{% load i18n %}{% for row in todo.convene %}
        <li><a href="{{ row.url }}">{{ row.meeting.title }}</a> <span class="muted">— {{ row.space.name }}, {{ row.day }}</span></li>
      {% endfor %}""",
    "minutes": """{% load i18n %}{% for row in todo.minutes %}
        <li><a href="{{ row.url }}">{{ row.meeting.title }}</a> <span class="muted">— {{ row.space.name }}, {{ row.day }}</span>
          <span class="badge">{% if row.minutes_started %}{% translate "Brouillon à faire circuler" %}{% else %}{% translate "À rédiger" %}{% endif %}</span></li>
      {% endfor %}""",
    "overdue": """{% load i18n %}{% for row in todo.overdue %}
        <li><a href="{{ row.url }}">{{ row.what }}</a> <span class="muted">— {{ row.space.name }}, {% if row.person %}{{ row.person }}{% else %}{{ row.organization.name }}{% endif %}</span>
          <span class="badge badge-danger badge-long">{% blocktranslate with day=row.due_day %}En retard depuis le {{ day }}{% endblocktranslate %}</span></li>
      {% endfor %}""",
    "measurements": """{% load i18n %}{% for row in todo.measurements %}
        <li><a href="{{ row.url }}">{{ row.indicator.name }}</a> <span class="muted">— {{ row.space.name }}</span>
          <span class="badge badge-warn badge-long">{% blocktranslate with day=row.day %}En attente depuis le {{ day }}{% endblocktranslate %}</span></li>
      {% endfor %}""",
    "terms": """{% load i18n %}{% for assignment in todo.terms %}
        <li><a href="{{ assignment.url }}">{{ assignment.role.name }}</a> <span class="muted">— {{ assignment.role.space.name }}, {{ assignment.holder_name }}</span>
          <span class="badge badge-warn badge-long">{% blocktranslate with day=assignment.end_day %}Se termine le {{ day }}{% endblocktranslate %}</span></li>
      {% endfor %}""",
    "invitations": """{% load i18n %}{% for invitation in todo.invitations %}
        <li><a href="{{ invitation.url }}">{{ invitation.email }}</a> <span class="muted">— {{ invitation.space.name }}{% if invitation.organization %}, {{ invitation.organization.name }}{% endif %}</span>
          <span class="badge badge-long">{% blocktranslate with day=invitation.expires_day %}Expire le {{ day }}{% endblocktranslate %}</span></li>
      {% endfor %}""",
}


def meeting_rows():
    labels = {"": "", "yes": "Oui", "no": "Non", "maybe": "Peut-être"}
    out = []
    for n, (answer, in_progress, can_answer) in enumerate(
            itertools.product(["", "yes", "no", "maybe"], [False, True], [False, True])):
        out.append({
            "meeting": {"pk": n + 1, "title": f"Rencontre <b>« {n} »</b> & co"},
            "space": {"name": "Table d'Hochelaga & <Maisonneuve>"},
            "url": f"/t/pointe/e/table-{n}/rencontres/{n + 1}/?a=1&b=2",
            "when": "jeudi 10 décembre, de 18\u00a0h\u00a030 à 20\u00a0h",
            "answer": answer, "answer_label": labels[answer], "can_answer": can_answer,
            "needs": {"childcare": n % 3, "diet": "Sans \"gluten\" & <noix>", "interpretation": "",
                      "accessibility": "Fauteuil"},
            "in_progress": in_progress,
        })
    return out


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_next_meetings_written_in_python_are_the_loop_of_the_template(language):
    data = meeting_rows()
    token = "jeton<&>" + "x" * 56
    with translation.override(language):
        expected = Template(NEXT_MEETINGS_LOOP).render(Context({"meetings": data, "csrf_token": token}))
        assert str(rows.next_meetings_html(data, token)) == expected
        assert str(rows.next_meetings_html([], token)) == ""


TRICKY = "L'« Ordre » & <les> \"Suites\""


def vote_rows():
    from concertation.home.written import _ProposalRef

    return [{"proposal": _ProposalRef(n, f"{TRICKY} {n}"), "space": {"name": TRICKY}, "url": f"/t/x/e/y/{n}/?a=1&b=2",
             "closing": "Ferme dans 3\u00a0jours (le 12 décembre à 17\u00a0h)", "voted": voted,
             "for_organization": organization}
            for n, (voted, organization) in enumerate([(False, ""), (True, ""), (True, TRICKY), (False, "")])]


def follow_up_rows(user_pk):
    return [SimpleNamespace(pk=n, what=f"{TRICKY} {n}", space={"name": TRICKY}, url=f"/t/x/e/y/suivis/?n={n}&m=1",
                            person_id=person_id, organization=organization, overdue=overdue, due_day=due_day)
            for n, (person_id, organization, overdue, due_day) in enumerate(itertools.product(
                [user_pk, None, user_pk + 1], [None, {"name": TRICKY}], [False, True], ["", "1er mars"]))
            if not (overdue and not due_day)]


def read_rows():
    decisions = [{"proposal": {"pk": n, "title": f"{TRICKY} {n}"}, "space": {"name": TRICKY}, "day": "1er mars",
                  "url": f"/t/x/e/y/propositions/{n}/?a&b"} for n in range(3)]
    minutes = [{"meeting": {"pk": n, "title": f"{TRICKY} {n}"}, "space": {"name": TRICKY}, "adopted": n % 2 == 0,
                "day": "2 mars", "url": f"/t/x/e/y/rencontres/{n}/pv/?a&b"} for n in range(3)]
    return decisions, minutes


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_other_lines_written_in_python_are_the_loops_of_the_template(language):
    user = SimpleNamespace(pk=7)
    decisions, minutes = read_rows()
    with translation.override(language):
        cases = [
            (VOTES_LOOP, {"votes": vote_rows()}, rows.votes_html(vote_rows())),
            (FOLLOW_UPS_LOOP, {"follow_ups": follow_up_rows(7), "user": user},
             rows.follow_ups_html(follow_up_rows(7), 7)),
            (DECISIONS_LOOP, {"decisions": decisions}, rows.decisions_html(decisions)),
            (MINUTES_LOOP, {"minutes": minutes}, rows.minutes_html(minutes)),
        ]
        for loop, context, written in cases:
            assert str(written) == Template(loop).render(Context(context)), loop[:40]


def todo_rows():
    from concertation.planning.models import Indicator
    from concertation.spaces.models import Space

    meeting = {"pk": 3, "title": TRICKY}
    return {
        "convene": [{"meeting": meeting, "space": {"name": TRICKY}, "day": "3 mars", "url": "/a/?b&c"}] * 2,
        "minutes": [{"meeting": meeting, "space": {"name": TRICKY}, "day": "3 mars", "url": "/a/?b&c",
                     "minutes_started": started} for started in (True, False)],
        "overdue": [SimpleNamespace(url="/s/?statut=overdue&x", what=TRICKY, space={"name": TRICKY}, person=person,
                                    organization=organization, due_day="1er mars")
                    for person, organization in [(TRICKY, None), (None, {"name": TRICKY}), (None, None),
                                                 (TRICKY, {"name": "Autre"})]],
        "measurements": [{"indicator": Indicator(id=1, name=TRICKY), "space": Space(id=2, name=TRICKY),
                          "day": "4 mars", "url": "/p/?i&j"}],
        "terms": [SimpleNamespace(url="/r/?a&b", role={"name": TRICKY, "space": {"name": TRICKY}},
                                  holder_name=f"{TRICKY} (ORG)", end_day="5 mars")],
        "invitations": [SimpleNamespace(url="/i/?a&b", email="a&b@example.org", space={"name": TRICKY},
                                        organization=organization, expires_day="6 mars")
                        for organization in (None, {"name": TRICKY})],
    }


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_lines_of_the_coordination_written_in_python_are_the_loops_of_the_template(language):
    todo = todo_rows()
    with translation.override(language):
        written = rows.todo_html(todo)
        for key, loop in TODO_LOOPS.items():
            assert str(written[key]) == Template(loop).render(Context({"todo": todo})), key
        assert all(str(html) == "" for html in rows.todo_html(dict.fromkeys(TODO_LOOPS, [])).values())
