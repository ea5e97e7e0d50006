"""The comments of a discussion are written in Python (knowledge.discussion_html, issue 20): they must
be, byte for byte, what the templates wrote before (the loop of ``_thread.html`` with ``_comment.html``,
kept below as REFERENCE), for every kind of comment and reader, in both languages, on the object's page
and on the discussion's own page, and with a refused reply shown again under its comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, engines
from django.utils import timezone, translation

from concertation.knowledge.discussion_html import comments_html
from concertation.knowledge.discussions_registry import target
from concertation.knowledge.forms_discussions import CommentForm
from concertation.knowledge.models import Comment
from concertation.knowledge.selectors.discussions import thread
from concertation.knowledge.services.discussions import comment_edit, comment_hide
from tests.knowledge.conftest import post

pytestmark = pytest.mark.django_db

REFERENCE = """{% for c in d.comments %}
    <article class="card comment{% if c.hidden %} comment-is-hidden{% endif %}" id="commentaire-{{ c.pk }}">
      {% with c=c %}{# One comment (``c``, a ShownComment) of the discussion ``d``. A hidden comment's text reaches only its author and the moderators (c.body_html is None for others). #}
<p class="comment-meta muted"><strong>{% if c.author_name %}{{ c.author_name }}{% else %}{% translate "Personne supprimée" %}{% endif %}</strong> — <time datetime="{{ c.comment.created_at|date:'c' }}">{{ c.comment.created_at|moment }}</time>{% if c.comment.target_version and d.version and c.comment.target_version != d.version %} — {% blocktranslate with version=c.comment.target_version %}sur la version {{ version }}{% endblocktranslate %}{% endif %}{% if c.comment.edited_at and c.body_html is not None %} — <a href="{{ c.urls.history }}">{% translate "modifié" %}<span class="visually-hidden"> — {% translate "voir les versions précédentes" %}</span></a>{% endif %}</p>
{% if c.hidden %}
  <p class="comment-hidden"><em>{% blocktranslate trimmed with reason=c.hidden_reason %}Commentaire masqué par l'animation : {{ reason }}{% endblocktranslate %}</em></p>
  {% if c.body_html is not None %}<div class="comment-body comment-body-hidden"><p class="muted">{% translate "Texte masqué, lu seulement par la personne qui l'a écrit et par l'animation :" %}</p>{{ c.body_html }}</div>{% endif %}
{% else %}
  <div class="comment-body prose">{{ c.body_html }}</div>
{% endif %}
{% if c.can_edit or c.can_moderate %}
<p class="comment-actions">
  {% if c.can_edit %}<a href="{{ c.urls.edit }}">{% translate "Modifier" %}<span class="visually-hidden"> — {% translate "votre commentaire" %}</span></a>{% endif %}
  {% if c.can_moderate %}{% if c.hidden %}<form method="post" action="{{ c.urls.unhide }}" class="inline-form">{% csrf_token %}<button type="submit" class="link-button">{% translate "Afficher de nouveau" %}</button></form>{% else %}<a href="{{ c.urls.hide }}">{% translate "Masquer" %}<span class="visually-hidden"> — {{ c.author_name }}, {{ c.comment.created_at|moment }}</span></a>{% endif %}{% endif %}
</p>
{% endif %}
{% endwith %}
      {% if c.replies %}
        <ul class="comment-replies" aria-label="{% translate 'Réponses' %}">
        {% for reply in c.replies %}
          <li><article class="comment comment-reply{% if reply.hidden %} comment-is-hidden{% endif %}" id="commentaire-{{ reply.pk }}">{% with c=reply %}{# One comment (``c``, a ShownComment) of the discussion ``d``. A hidden comment's text reaches only its author and the moderators (c.body_html is None for others). #}
<p class="comment-meta muted"><strong>{% if c.author_name %}{{ c.author_name }}{% else %}{% translate "Personne supprimée" %}{% endif %}</strong> — <time datetime="{{ c.comment.created_at|date:'c' }}">{{ c.comment.created_at|moment }}</time>{% if c.comment.target_version and d.version and c.comment.target_version != d.version %} — {% blocktranslate with version=c.comment.target_version %}sur la version {{ version }}{% endblocktranslate %}{% endif %}{% if c.comment.edited_at and c.body_html is not None %} — <a href="{{ c.urls.history }}">{% translate "modifié" %}<span class="visually-hidden"> — {% translate "voir les versions précédentes" %}</span></a>{% endif %}</p>
{% if c.hidden %}
  <p class="comment-hidden"><em>{% blocktranslate trimmed with reason=c.hidden_reason %}Commentaire masqué par l'animation : {{ reason }}{% endblocktranslate %}</em></p>
  {% if c.body_html is not None %}<div class="comment-body comment-body-hidden"><p class="muted">{% translate "Texte masqué, lu seulement par la personne qui l'a écrit et par l'animation :" %}</p>{{ c.body_html }}</div>{% endif %}
{% else %}
  <div class="comment-body prose">{{ c.body_html }}</div>
{% endif %}
{% if c.can_edit or c.can_moderate %}
<p class="comment-actions">
  {% if c.can_edit %}<a href="{{ c.urls.edit }}">{% translate "Modifier" %}<span class="visually-hidden"> — {% translate "votre commentaire" %}</span></a>{% endif %}
  {% if c.can_moderate %}{% if c.hidden %}<form method="post" action="{{ c.urls.unhide }}" class="inline-form">{% csrf_token %}<button type="submit" class="link-button">{% translate "Afficher de nouveau" %}</button></form>{% else %}<a href="{{ c.urls.hide }}">{% translate "Masquer" %}<span class="visually-hidden"> — {{ c.author_name }}, {{ c.comment.created_at|moment }}</span></a>{% endif %}{% endif %}
</p>
{% endif %}
{% endwith %}</article></li>
        {% endfor %}
        </ul>
      {% endif %}
      {% if d.can_comment %}
        {% with mine=c.pk|stringformat:"s" %}
        <details class="comment-reply-form"{% if reply_form and parent_id == mine %} open{% endif %}>
          <summary>{% translate "Répondre" %}<span class="visually-hidden"> — {{ c.author_name }}, {{ c.comment.created_at|moment }}</span></summary>
          <form method="post" action="{{ d.urls.thread }}"{% if d.inline %} hx-post="{{ d.urls.thread }}" hx-target="#discussion" hx-swap="outerHTML"{% endif %} novalidate>
            {% csrf_token %}
            <input type="hidden" name="parent" value="{{ c.pk }}">
            <div class="field{% if reply_form and parent_id == mine and reply_form.body.errors %} field-error{% endif %}">
              <label for="reponse-{{ c.pk }}">{% translate "Votre réponse" %}</label>
              <textarea id="reponse-{{ c.pk }}" name="body" rows="3" maxlength="5000"{% if reply_form and parent_id == mine and reply_form.body.errors %} aria-describedby="reponse-{{ c.pk }}-erreur" aria-invalid="true"{% endif %}>{% if reply_form and parent_id == mine %}{{ reply_form.body.value|default:"" }}{% endif %}</textarea>
              {% if reply_form and parent_id == mine %}{% for error in reply_form.body.errors %}<p class="error-text" id="reponse-{{ c.pk }}-erreur">{{ error }}</p>{% endfor %}{% endif %}
            </div>
            <p class="actions"><button type="submit" class="button button-secondary">{% translate "Publier la réponse" %}</button></p>
          </form>
        </details>
        {% endwith %}
      {% endif %}
    </article>
  {% empty %}
    <p class="muted">{% translate "Aucun commentaire pour l'instant." %}</p>
  {% endfor %}"""


def reference(d, **context) -> str:
    return engines["django"].from_string(REFERENCE).render(Context({"d": d, **context}).flatten())


def discussion(world, proposal):
    """Comments of every kind: hidden (with a reason holding markup), edited, on an earlier version,
    by a person who erased her account, by the reader herself, with replies (one hidden)."""
    entry = target("proposal")
    first = post(proposal, world.citizen, "Premier **avis** & <b>gras</b>.")
    post(proposal, world.delegate, "Réponse @[Personne]", parent=first)
    hidden_reply = post(proposal, world.coordinator, "Réponse masquée.", parent=first)
    comment_hide(comment=hidden_reply, entry=entry, obj=proposal, by=world.coordinator, reason="Hors <sujet> & « x »")
    second = post(proposal, world.delegate, "Deuxième avis.")
    comment_edit(comment=second, entry=entry, obj=proposal, by=world.delegate, body="Deuxième avis, corrigé.")
    hidden = post(proposal, world.citizen, "Propos déplacés.")
    comment_hide(comment=hidden, entry=entry, obj=proposal, by=world.coordinator, reason="Insultes")
    older = post(proposal, world.coordinator, "Sur la première version.")
    Comment.objects.filter(pk=older.pk).update(target_version=1, created_at=timezone.now() - timedelta(days=400))
    gone = post(proposal, world.coordinator, "Une personne partie.")
    Comment.objects.filter(pk=gone.pk).update(author=None)
    return first


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_comments_are_written_as_the_templates_wrote_them(world, targets, language):
    proposal = targets.proposal["assembly"]
    first = discussion(world, proposal)
    proposal.version = 2
    entry = target("proposal")
    refused = CommentForm({"body": ""})
    too_long = CommentForm({"body": "x" * 6000})
    assert not refused.is_valid() and not too_long.is_valid()
    cases = 0
    with translation.override(language):
        for viewer in (world.coordinator, world.citizen, world.delegate, world.outsider):
            for inline in (True, False):
                d = thread(viewer, entry, proposal, inline=inline)
                for context in ({}, {"csrf_token": "jeton<&>"}, {"csrf_token": "NOTPROVIDED"},
                                {"csrf_token": "jeton", "reply_form": refused, "parent_id": str(first.pk)},
                                {"csrf_token": "jeton", "reply_form": too_long, "parent_id": str(first.pk)},
                                {"csrf_token": "jeton", "reply_form": refused, "parent_id": "0"}):
                    assert comments_html(d, **context) == reference(d, **context), (viewer.email, inline, context)
                    cases += 1
        empty = thread(world.delegate, entry, targets.proposal["group"], inline=True)
        assert comments_html(empty) == reference(empty)
    assert cases == 48
