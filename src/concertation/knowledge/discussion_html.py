"""The comments of a discussion (``selectors.discussions.thread``) written in Python once per list,
every value escaped, instead of a template include and a dozen lookups per comment (issue 20: the
five threads under a proposal cost ~3 ms of its page through the templates).

``comments_html`` gives, byte for byte, what the loop of ``_thread.html`` and ``_comment.html`` gave
(tests/knowledge/test_discussion_html.py renders that loop, kept there, against it): the articles of
the comments with their replies and reply forms, or the line « no comment yet ».
"""

from __future__ import annotations

from django.utils import dateformat, timezone
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from concertation.core import formatting


def _words() -> dict[str, str]:
    """The words of the comments, translated once per list (xgettext finds them here, not in f-strings)."""
    return {
        "edited": gettext("modifié"),
        "see_versions": gettext("voir les versions précédentes"),
        "edit": gettext("Modifier"),
        "your_comment": gettext("votre commentaire"),
        "unhide": gettext("Afficher de nouveau"),
        "hide": gettext("Masquer"),
        "reply": gettext("Répondre"),
        "your_reply": gettext("Votre réponse"),
        "post_reply": gettext("Publier la réponse"),
        "replies": gettext("Réponses"),
    }


def _csrf(token) -> str:
    """What ``{% csrf_token %}`` writes with this context's token."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def _comment(c, d, csrf: str, moment: str, words: dict) -> str:
    """One comment (``_comment.html``): who and when, its text (or why it is hidden), its actions."""
    comment = c.comment
    author = escape(c.author_name) if c.author_name else gettext("Personne supprimée")
    meta = (f'<p class="comment-meta muted"><strong>{author}</strong> — '
            f'<time datetime="{escape(dateformat.format(timezone.localtime(comment.created_at), "c"))}">'
            f'{moment}</time>')
    if comment.target_version and d["version"] and comment.target_version != d["version"]:
        meta += " — " + gettext("sur la version %(version)s") % {"version": escape(str(comment.target_version))}
    if comment.edited_at and c.body_html is not None:
        meta += (f' — <a href="{escape(c.urls["history"])}">{words["edited"]}<span class="visually-hidden"> — '
                 f'{words["see_versions"]}</span></a>')
    meta += "</p>"
    if c.hidden:
        hidden = gettext("Commentaire masqué par l'animation : %(reason)s") % {"reason": escape(c.hidden_reason)}
        body = f'\n  <p class="comment-hidden"><em>{hidden}</em></p>\n  '
        if c.body_html is not None:
            read_by = gettext("Texte masqué, lu seulement par la personne qui l'a écrit et par l'animation :")
            body += f'<div class="comment-body comment-body-hidden"><p class="muted">{read_by}</p>{c.body_html}</div>'
        body += "\n"
    else:
        body = f'\n  <div class="comment-body prose">{c.body_html}</div>\n'
    actions = ""
    if c.can_edit or c.can_moderate:
        edit = (f'<a href="{escape(c.urls["edit"])}">{words["edit"]}<span class="visually-hidden"> — '
                f'{words["your_comment"]}</span></a>') if c.can_edit else ""
        moderate = ""
        if c.can_moderate and c.hidden:
            moderate = (f'<form method="post" action="{escape(c.urls["unhide"])}" class="inline-form">{csrf}'
                        f'<button type="submit" class="link-button">{words["unhide"]}</button></form>')
        elif c.can_moderate:
            moderate = (f'<a href="{escape(c.urls["hide"])}">{words["hide"]}<span class="visually-hidden"> — '
                        f'{escape(c.author_name)}, {moment}</span></a>')
        actions = f'\n<p class="comment-actions">\n  {edit}\n  {moderate}\n</p>\n'
    return f"\n{meta}\n{body}\n{actions}\n"


def _reply_form(c, d, csrf: str, moment: str, words: dict, reply_form, parent_id) -> str:
    """The « Répondre » form under a top-level comment (open, with its errors, after a refused reply)."""
    pk = int(c.pk)
    mine = bool(reply_form) and parent_id == str(c.pk)
    errors = list(reply_form["body"].errors) if mine else []
    hx = (f' hx-post="{escape(d["urls"]["thread"])}" hx-target="#discussion" hx-swap="outerHTML"'
          if d["inline"] else "")
    invalid = f' aria-describedby="reponse-{pk}-erreur" aria-invalid="true"' if errors else ""
    value = escape(reply_form["body"].value() or "") if mine else ""
    shown_errors = "".join(f'<p class="error-text" id="reponse-{pk}-erreur">{escape(error)}</p>' for error in errors)
    return (f'\n        \n        <details class="comment-reply-form"{" open" if mine else ""}>\n'
            f'          <summary>{words["reply"]}<span class="visually-hidden"> — {escape(c.author_name)}, '
            f'{moment}</span></summary>\n'
            f'          <form method="post" action="{escape(d["urls"]["thread"])}"{hx} novalidate>\n'
            f'            {csrf}\n'
            f'            <input type="hidden" name="parent" value="{pk}">\n'
            f'            <div class="field{" field-error" if errors else ""}">\n'
            f'              <label for="reponse-{pk}">{words["your_reply"]}</label>\n'
            f'              <textarea id="reponse-{pk}" name="body" rows="3" maxlength="5000"{invalid}>{value}</textarea>\n'
            f'              {shown_errors}\n'
            f'            </div>\n'
            f'            <p class="actions"><button type="submit" class="button button-secondary">'
            f'{words["post_reply"]}</button></p>\n'
            f'          </form>\n'
            f'        </details>\n        \n      ')


def comments_html(d: dict, *, reply_form=None, parent_id="", csrf_token=None) -> SafeString:
    """The comments of ``d`` (a thread) as the discussion shows them; ``reply_form`` and ``parent_id``:
    a reply refused, shown again under its comment; ``csrf_token``: the page's (the context's)."""
    if not d["comments"]:
        none_yet = gettext("Aucun commentaire pour l'instant.")
        return mark_safe(f'\n    <p class="muted">{none_yet}</p>\n  ')  # noqa: S308 — a translation
    csrf, words = _csrf(csrf_token), _words()
    parts = []
    for c in d["comments"]:
        moment = escape(formatting.moment(c.comment.created_at))
        hidden = " comment-is-hidden" if c.hidden else ""
        parts.append(f'\n    <article class="card comment{hidden}" id="commentaire-{int(c.pk)}">\n      '
                     f'{_comment(c, d, csrf, moment, words)}\n      ')
        if c.replies:
            parts.append(f'\n        <ul class="comment-replies" aria-label="{words["replies"]}">\n        ')
            for reply in c.replies:
                reply_moment = escape(formatting.moment(reply.comment.created_at))
                parts.append(f'\n          <li><article class="comment comment-reply'
                             f'{" comment-is-hidden" if reply.hidden else ""}" id="commentaire-{int(reply.pk)}">'
                             f'{_comment(reply, d, csrf, reply_moment, words)}</article></li>\n        ')
            parts.append("\n        </ul>\n      ")
        parts.append("\n      ")
        if d["can_comment"]:
            parts.append(_reply_form(c, d, csrf, moment, words, reply_form, parent_id))
        parts.append("\n    </article>\n  ")
    return mark_safe("".join(parts))  # noqa: S308 — every value escaped above
