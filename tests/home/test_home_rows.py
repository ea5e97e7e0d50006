"""The lines of the home written in Python (home/rows.py) are those its template loop wrote: the loop
as it was, kept here, renders the same rows to the same bytes, in French and in English, for every
case of a line (answered or not, running or not, with or without the one-tap form, text to escape)."""

from __future__ import annotations

import itertools

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
