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
                said = _("Votre réponse : <strong>%(answer)s</strong>") % {
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


def votes_html(rows: list[dict]) -> SafeString:
    """The lines of « Votes ouverts » (``selectors.open_votes``), as the loop of home.html wrote them."""
    lines = []
    recorded, review = _("Votre vote est enregistré"), _("Revoir mon vote")
    for row in rows:
        url = conditional_escape(row["url"])
        title = conditional_escape(row["proposal"].title)
        if row["voted"]:
            if row["for_organization"]:
                badge = ('<span class="badge badge-ok badge-long">'
                         + _("Le vote de %(name)s est enregistré") % {"name": conditional_escape(row["for_organization"])}
                         + "</span>")
            else:
                badge = f'<span class="badge badge-ok">{recorded}</span>'
            state = f'{badge}\n            <a href="{url}#vote">{review}</a>\n          '
        else:
            vote = _('Voter<span class="visually-hidden"> sur « %(title)s »</span>') % {"title": title}
            not_yet = _("Vous n'avez pas encore voté")
            state = (f'<span class="badge badge-warn">{not_yet}</span>'
                     f'\n            <a class="button button-small" href="{url}#vote">{vote}</a>')
        lines.append(
            f'\n        <li>\n          <a href="{url}">{title}</a> <span class="muted">— '
            f'{conditional_escape(row["space"]["name"])}</span>\n          <br>{conditional_escape(row["closing"])}'
            f'\n          <br>{state}\n        </li>\n      ')
    return mark_safe("".join(lines))


def follow_ups_html(rows: list, user_pk: int) -> SafeString:
    """The lines of « Mes suivis » (``selectors.my_follow_ups``), as the loop of home.html wrote them."""
    lines = []
    for row in rows:
        organization = (f", {conditional_escape(row.organization['name'])}"
                        if row.organization and row.person_id != user_pk else "")
        if row.overdue:
            badge = ('<span class="badge badge-danger badge-long">'
                     + _("En retard depuis le %(day)s") % {"day": conditional_escape(row.due_day)} + "</span>\n          ")
        elif row.due_day:
            badge = ('<span class="badge badge-long">'
                     + _("Pour le %(day)s") % {"day": conditional_escape(row.due_day)} + "</span>")
        else:
            badge = ""
        lines.append(
            f'\n        <li><a href="{conditional_escape(row.url)}">{conditional_escape(row.what)}</a> '
            f'<span class="muted">— {conditional_escape(row.space["name"])}{organization}</span>\n          '
            f'{badge}</li>\n      ')
    return mark_safe("".join(lines))


def decisions_html(rows: list[dict]) -> SafeString:
    """The decisions of « À lire » (``selectors.recent_decisions``), as the loop of home.html wrote them."""
    decided = _("Décision du %(day)s")
    return mark_safe("".join(
        f'\n        <li><a href="{conditional_escape(row["url"])}">{conditional_escape(row["proposal"]["title"])}</a> '
        f'<span class="muted">— {conditional_escape(row["space"]["name"])}</span>\n          '
        f'<span class="badge badge-long">{decided % {"day": conditional_escape(row["day"])}}'
        f'</span></li>\n      '
        for row in rows))


def minutes_html(rows: list[dict]) -> SafeString:
    """The minutes of « À lire » (``selectors.minutes_to_read``), as the loop of home.html wrote them."""
    adopted, circulated = _("Adopté"), _("En circulation, vos commentaires sont attendus")
    minutes_of = _("Procès-verbal — %(title)s")
    return mark_safe("".join(
        f'\n        <li><a href="{conditional_escape(row["url"])}">'
        f'{minutes_of % {"title": conditional_escape(row["meeting"]["title"])}}</a> '
        f'<span class="muted">— {conditional_escape(row["space"]["name"])}, {conditional_escape(row["day"])}</span>'
        f'\n          <span class="badge badge-long">{adopted if row["adopted"] else circulated}</span></li>\n      '
        for row in rows))


def _line(url, label, muted: str, badge: str = "") -> str:
    """A line of the coordination's lists: the link, the muted context (already escaped), a badge."""
    return (f'\n        <li><a href="{conditional_escape(url)}">{conditional_escape(label)}</a> '
            f'<span class="muted">— {muted}</span>{badge}</li>\n      ')


def todo_html(todo: dict) -> dict[str, SafeString]:
    """The lines of « À faire pour vos espaces » (``selectors.home_for``'s ``todo``), list by list, as
    the loops of home.html wrote them."""
    started, to_write = _("Brouillon à faire circuler"), _("À rédiger")
    e = conditional_escape
    lines = {
        "convene": [_line(row["url"], row["meeting"]["title"], f'{e(row["space"]["name"])}, {e(row["day"])}')
                    for row in todo["convene"]],
        "minutes": [_line(row["url"], row["meeting"]["title"], f'{e(row["space"]["name"])}, {e(row["day"])}',
                          f'\n          <span class="badge">{started if row["minutes_started"] else to_write}</span>')
                    for row in todo["minutes"]],
        "overdue": [_line(row.url, row.what, f'{e(row.space["name"])}, '
                          f'{e(row.person) if row.person else e((row.organization or {}).get("name", ""))}',
                          '\n          <span class="badge badge-danger badge-long">'
                          + _("En retard depuis le %(day)s") % {"day": e(row.due_day)} + "</span>")
                    for row in todo["overdue"]],
        "measurements": [_line(row["url"], row["indicator"].name, e(row["space"].name),
                               '\n          <span class="badge badge-warn badge-long">'
                               + _("En attente depuis le %(day)s") % {"day": e(row["day"])} + "</span>")
                         for row in todo["measurements"]],
        "terms": [_line(row.url, row.role["name"], f'{e(row.role["space"]["name"])}, {e(row.holder_name)}',
                        '\n          <span class="badge badge-warn badge-long">'
                        + _("Se termine le %(day)s") % {"day": e(row.end_day)} + "</span>")
                  for row in todo["terms"]],
        "invitations": [_line(row.url, row.email, e(row.space["name"])
                              + (f', {e(row.organization["name"])}' if row.organization else ""),
                              '\n          <span class="badge badge-long">'
                              + _("Expire le %(day)s") % {"day": e(row.expires_day)} + "</span>")
                        for row in todo["invitations"]],
    }
    return {key: mark_safe("".join(found)) for key, found in lines.items()}
