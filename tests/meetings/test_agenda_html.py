"""The agenda's items written by meetings/agenda_html.py: byte for byte what meeting.html wrote for an
item up to its actions (kept below), for items with and without presenter, expected outcome,
description, proposal, documents (a link, a file of this space or of another), the follow-ups item
(with and without follow-ups to review), text to escape, in French and English."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from concertation.knowledge.models import Document
from concertation.meetings.followups import follow_ups_item
from concertation.meetings.models import AgendaItem, FollowUp
from concertation.meetings.pages.agenda import agenda_context
from concertation.meetings.selectors import agenda_items
from tests.factories import (
    MeetingFactory,
    OrganizationFactory,
    ProposalFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# An item as meeting.html wrote it, up to its actions (with the list of follow-ups it included).
ITEM = """<li id="point-{{ item.pk }}" class="card agenda-item">
      <h3>{{ item.title }}</h3>
      <p><span class="muted">{{ row.slot }}</span>
        <span class="badge">{{ item.get_kind_display }}</span></p>
      {% if row.presenter %}<p>{% translate "Présenté par" %} {{ row.presenter }}</p>{% endif %}
      {% if item.expected_outcome %}<p>{% blocktranslate trimmed with outcome=item.expected_outcome %}Résultat attendu : {{ outcome }}{% endblocktranslate %}</p>{% endif %}
      {{ row.description_html }}
      {% if item.proposal %}<p>{% blocktranslate trimmed %}Proposition :{% endblocktranslate %} <a href="{% url 'decisions:proposal' territory=territory.slug space=space.slug pk=item.proposal.pk %}">{{ item.proposal.title }}</a></p>{% endif %}
      {% if row.reviews_follow_ups %}{% with follow_ups=row.follow_ups %}{# _rolled_follow_ups.html: #}
{% if follow_ups %}
<p>{% translate "Suivis des rencontres précédentes, à passer en revue :" %}</p>
<ul class="rolled-follow-ups">
  {% for line in follow_ups %}
  <li>{{ line }}</li>
  {% endfor %}
</ul>
{% else %}
<p class="muted">{% translate "Aucun suivi ouvert des rencontres précédentes." %}</p>
{% endif %}
{% endwith %}{% endif %}
      {% if row.documents %}
<ul class="documents">{% for document in row.documents %}<li><a href="{% if document.url %}{{ document.url }}{% else %}{% url 'documents:document' territory=document.space.territory.slug space=document.space.slug pk=document.pk %}{% endif %}"{% if document.url %} rel="noopener noreferrer nofollow"{% endif %}>{{ document.title }}</a> <span class="muted">({{ document.get_kind_display }})</span></li>{% endfor %}</ul>
{% endif %}"""  # noqa: E501


def _agenda(with_follow_ups: bool):
    meeting = MeetingFactory()
    space = meeting.space
    other_space = SpaceFactory(territory=space.territory)
    presenter = UserFactory(display_name="Présentatrice <Léa> & co")
    organization = OrganizationFactory(territory=space.territory, name="Org \"Nord\"", acronym="ON")
    proposal = ProposalFactory(space=space, title="Budget <2026> & suites")
    documents = [Document.objects.create(space=space if n % 2 else other_space, title=f"Document {n} <&>",
                                         url=f"https://exemple.org/{n}?a=1&b=2" if n % 3 == 0 else "",
                                         kind=Document.Kind.values[n % len(Document.Kind.values)])
                 for n in range(5)]
    items = [
        AgendaItem.objects.create(meeting=meeting, title="Mot de bienvenue", position=1),
        AgendaItem.objects.create(meeting=meeting, title="Présentation « <b> »", position=2, presenter=presenter,
                                  presenter_organization=organization, minutes_allotted=20,
                                  expected_outcome="Un avis <éclairé> & partagé",
                                  description="Un **texte** avec [un lien](https://exemple.org).\n\n- un\n- deux"),
        AgendaItem.objects.create(meeting=meeting, title="Décision", position=3, proposal=proposal,
                                  kind=AgendaItem.Kind.DECISION, presenter_organization=organization),
        AgendaItem.objects.create(meeting=meeting, title="Suivis", position=4, kind=AgendaItem.Kind.FOLLOW_UP,
                                  standard_role=AgendaItem.Role.FOLLOW_UPS),
        AgendaItem.objects.create(meeting=meeting, title="Proposé", position=5, status=AgendaItem.Status.PROPOSED),
    ]
    items[1].documents.set([documents[3], documents[0]])
    items[2].documents.set([documents[0], documents[4], documents[2], documents[1]])
    if with_follow_ups:
        earlier = MeetingFactory(space=space, starts_at=meeting.starts_at.replace(year=meeting.starts_at.year - 1),
                                 ends_at=meeting.ends_at.replace(year=meeting.ends_at.year - 1))
        FollowUp.objects.create(space=space, meeting=earlier, what="Écrire <à> la Ville & co", person=presenter,
                                organization=organization, due_on=earlier.starts_at.date())
        FollowUp.objects.create(space=space, meeting=earlier, what="Relancer", organization=organization)
    return meeting


@pytest.mark.parametrize("with_follow_ups", [True, False])
def test_items_are_those_the_template_wrote(with_follow_ups):
    meeting = _agenda(with_follow_ups)
    viewer = UserFactory()
    meeting.space.territory.coordinators.add(viewer)  # sees every document
    template = engines["django"].from_string(ITEM)
    request = RequestFactory().get("/")
    space = meeting.space
    for language in ("fr-ca", "en"):
        with translation.override(language):
            items = agenda_items(meeting)
            assert follow_ups_item([item for item in items if item.status == "accepted"]) is not None
            rows = agenda_context(meeting, items, user=viewer, can_run=True)["rows"]
            assert len(rows) == 4
            for row in rows:
                expected = template.render({"row": row, "item": row["item"], "space": space,
                                            "territory": space.territory}, request)
                assert row["html"] == expected
            page = "".join(row["html"] for row in rows)
            assert all(part in page for part in ('class="documents"', "nofollow", "&lt;Léa&gt;", "&lt;éclairé&gt;",
                                                 "Budget &lt;2026&gt;", "<strong>texte</strong>", "/documents/"))
            assert ("rolled-follow-ups" in page) is with_follow_ups
