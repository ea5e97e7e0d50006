"""Lines of the home written once in Python, every value escaped, instead of a template loop that
looked up each cell (the next meetings: a one-tap answer form each). The text is the one
home/home.html wrote, whitespace included, with the same messages to translate."""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# The answers of the one-tap form, in their order (meetings.Rsvp.Answer values).
_ANSWERS = (("yes", "Oui"), ("no", "Non"), ("maybe", "Peut-être"))


def next_meetings_html(rows: list[dict], csrf_token: str) -> SafeString:
    """The lines of « Mes prochaines rencontres » (``selectors.next_meetings``), as the loop of
    home.html wrote them: the one-tap answer form carries ``csrf_token``."""
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    answers = [(value, _(label)) for value, label in _ANSWERS]
    in_progress = _("En cours")
    not_yet = format_html("<strong>{}</strong> {}", mark_safe(_("Serez-vous là?")),
                          mark_safe(_("Vous n'avez pas encore répondu.")))
    lines = []
    for row in rows:
        pk = conditional_escape(row["meeting"]["pk"])
        url = conditional_escape(row["url"])
        line = [
            f'\n        <li class="home-meeting">\n          <a href="{url}">'
            f'{conditional_escape(row["meeting"]["title"])}</a> <span class="muted">— '
            f'{conditional_escape(row["space"]["name"])}</span>\n          <br>{conditional_escape(row["when"])}',
        ]
        if row["in_progress"]:
            line.append(f' <span class="badge badge-ok">{in_progress}</span>')
        line.append("\n          ")
        if row["can_answer"]:
            needs = "".join(f'<input type="hidden" name="{conditional_escape(name)}" value="{conditional_escape(value)}">'
                            for name, value in row["needs"].items())
            answer = row["answer"]
            if answer:
                said = _("Votre réponse\u00a0: <strong>%(answer)s</strong>") % {
                    "answer": conditional_escape(row["answer_label"])}
            else:
                said = not_yet
            buttons = "".join(
                f'\n                <button type="submit" name="answer" value="{value}" class="button button-small'
                f'{"" if answer == value else " button-secondary"}" aria-pressed="'
                f'{"true" if answer == value else "false"}">{label}</button>'
                for value, label in answers)
            line.append(
                f'\n            <form method="post" action="{url}" class="rsvp-quick">\n              {csrf}'
                f'\n              {needs}\n              <p id="reponse-{pk}">{said}</p>'
                f'\n              <div class="actions" role="group" aria-labelledby="reponse-{pk}">{buttons}'
                f'\n              </div>\n            </form>\n          ')
        line.append("\n        </li>\n      ")
        lines.append("".join(line))
    return mark_safe("".join(lines))
