"""Rows of the dashboard's and the bilan's tables, written here rather than in their templates.

The dashboard of a large plan shows a table of figures under each priority's indicator cards, the
activities counted by status for every priority, the overdue activities and the due measurements;
the template engine spent a lookup, a filter or a ``{% translate %}`` per cell (about 10 ms at scale
L). Here every label is translated once per table (and, as the templates wrote a translated
literal, not escaped: the catalog is ours), every value escaped as it is written; the markup is the one the templates wrote, cell for cell (the partials call these through
``planning/templatetags/planning_tables.py``), as decisions/register_table.py does for the register.
"""

from __future__ import annotations

from html import escape as _escape  # for plain text: Django's escape, less its checks

from django.template.defaultfilters import truncatewords
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from concertation.core.templatetags.formatting import colon, date_long, day, moment

from .plan_outline import activity_anchor


def _plain(value) -> str:
    """« {{ value }} » of a str that is not marked safe (names, units, figures written by show())."""
    return escape(value) if isinstance(value, SafeString) else _escape(str(value))


def table_labels() -> dict:
    """The labels of an indicator table's columns (translated once for all the tables of a page)."""
    return {"indicator": _("Indicateur"), "baseline": _("Départ"), "latest": _("Dernière mesure"),
            "expected": _("Attendu à cette date"), "target": _("Cible"), "status": _("Statut"),
            "percent": _("%(percent)s %% du chemin prévu")}  # a no-break space before %, as in the msgid


def indicator_rows(views, *, linked: bool = False, labels: dict | None = None) -> str:
    """The ``<tr>`` of each indicator (dashboard.IndicatorView) of ``_indicator_table.html``;
    ``linked``: its name links to its page, with what it measures under it; ``labels``: those of
    ``table_labels``, when the page has them already."""
    label = labels or table_labels()
    percent_text = label["percent"]
    rows = []
    for view in views:
        indicator, status = view.indicator, view.status
        name = _plain(view.name)
        if linked:
            name = f'<a href="{_plain(view.url)}">{name}</a><br><span class="muted">{_plain(view.owner_label)}</span>'
        if view.unit:
            name += f'<br><span class="muted">{_plain(view.unit)}</span>'
        baseline = _plain(view.baseline)
        if indicator.baseline_date:
            baseline += f'<br><span class="muted">{_plain(date_long(indicator.baseline_date))}</span>'
        latest = _plain(view.latest_value)
        if view.latest:
            latest += f'<br><span class="muted">{_plain(date_long(view.latest.date))}</span>'
        state = f'<span class="badge {_plain(status.badge)}">{_plain(status.label)}</span>'
        if status.percent is not None:
            state += f' <span class="muted">{percent_text % {"percent": status.percent}}</span>'
        rows.append(
            "\n    <tr>\n"
            f'      <th scope="row" data-label="{label["indicator"]}">{name}</th>\n'
            f'      <td class="numeric" data-label="{label["baseline"]}">{baseline}</td>\n'
            f'      <td class="numeric" data-label="{label["latest"]}">{latest}</td>\n'
            f'      <td class="numeric" data-label="{label["expected"]}">{_plain(view.expected)}</td>\n'
            f'      <td class="numeric" data-label="{label["target"]}">{_plain(view.target)}<br>'
            f'<span class="muted">{_plain(date_long(indicator.target_date))}</span></td>\n'
            f'      <td data-label="{label["status"]}">{state}</td>\n'
            "    </tr>\n  ")
    return mark_safe("".join(rows))


def indicator_table(views, *, block=None, linked: bool = False, labels: dict | None = None) -> str:
    """``_indicator_table.html``: the figures of indicators as a table, those of the bar charts of a
    priority (``block``: dashboard.PriorityBlock) or a whole list (``linked``: the names link to
    the indicators' pages); ``labels``: those of ``table_labels``, when the page has them already."""
    if not block:
        caption = _("Les chiffres des indicateurs")
    elif block.number:
        caption = _("Les chiffres des indicateurs de la priorité %(number)s") % {"number": _plain(block.number)}
    else:
        caption = _("Les chiffres des indicateurs transversaux")
    label = labels or table_labels()
    return mark_safe(
        '<div class="table-wrap"><table class="responsive">\n'
        f"  <caption>{caption}</caption>\n"
        "  <thead><tr>\n"
        f'    <th scope="col">{label["indicator"]}</th>\n'
        f'    <th scope="col" class="numeric">{label["baseline"]}</th>\n'
        f'    <th scope="col" class="numeric">{label["latest"]}</th>\n'
        f'    <th scope="col" class="numeric">{label["expected"]}</th>\n'
        f'    <th scope="col" class="numeric">{label["target"]}</th>\n'
        f'    <th scope="col">{label["status"]}</th>\n'
        "  </tr></thead>\n"
        "  <tbody>\n"
        f"  {indicator_rows(views, linked=linked, labels=label)}\n"
        "  </tbody>\n"
        "</table></div>")


def indicator_cards(views, *, pdf: bool = False) -> str:
    """The card of each indicator shown with its bar chart under a priority of the dashboard
    (``_board.html``); ``pdf``: no links."""
    due_text = _("Mesure attendue depuis le %(date)s.")
    record_text = _("Saisir une mesure")
    cards = []
    for view in views:
        status, name = view.status, _plain(view.name)
        title = name if pdf else f'<a href="{_plain(view.url)}">{name}</a>'
        about = _plain(view.owner_label)
        if view.unit:
            about += f" · {_plain(view.unit)}"
        if view.responsible:
            about += f" · {_plain(view.responsible)}"
        due = ""
        if view.due:
            link = ""
            if view.can_record and not pdf:
                link = (f'<a href="{_plain(view.record_url)}">{record_text}<span class="visually-hidden"> — {name}'
                        "</span></a>")
            due = (f"<p><strong>{due_text % {'date': _plain(day(view.next_due))}}</strong>\n"
                   f"        {link}</p>")
        cards.append(
            f'\n    <article class="card indicator-card" aria-labelledby="indicateur-{view.id}">\n'
            f'      <h3 id="indicateur-{view.id}">{title}\n'
            f'        <span class="badge {_plain(status.badge)}">{_plain(status.label)}</span></h3>\n'
            f'      <p class="muted">{about}</p>\n'
            f'      <div class="narrow chart-box">{escape(view.bar)}</div>\n'
            f"      <p>{_plain(view.sentence)}</p>\n"
            f"      {due}\n"
            "    </article>\n  ")
    return mark_safe("".join(cards))


def status_badges(counts) -> str:
    """« En retard : 3 » badges of a priority's indicators (``PriorityBlock.indicator_summary``)."""
    separator = escape(colon())
    return mark_safe("".join(f'<span class="badge">{_plain(item.label)}{separator} {item.count}</span> '
                             for item in counts))


def activity_count_rows(blocks) -> str:
    """The ``<tr>`` of each priority in the table of activities by status (``_activity_counts.html``)."""
    priority, total = _("Priorité"), _("Total")
    rows = []
    for block in blocks:
        title = _plain(block.title)
        if block.number:
            title = f"{_plain(block.number)} · {title}"
        cells = "".join(f'<td class="numeric" data-label="{_plain(item.label)}">{item.count}</td>'
                        for item in block.status_counts())
        rows.append(
            "\n    <tr>\n"
            f'      <th scope="row" data-label="{priority}">{title}</th>\n'
            f"      {cells}\n"
            f'      <td class="numeric" data-label="{total}">{block.total}</td>\n'
            "    </tr>\n  ")
    return mark_safe("".join(rows))


def overdue_rows(rows, plan_url: str = "") -> str:
    """The ``<tr>`` of each overdue activity (overdue.OverdueActivity) of ``_overdue_table.html``,
    its title linked to the activity in the plan (``plan_url``) unless there is none (the PDF)."""
    label = {
        "number": _("N°"), "activity": _("Action"), "lead": _("Porteur"), "ends": _("Fin prévue"),
        "status": _("Statut")}
    result = []
    for row in rows:
        title = _plain(row.title)
        if plan_url:
            title = f'<a href="{_plain(plan_url + activity_anchor(row.strategy_id, row.id))}">{title}</a>'
        result.append(
            "\n    <tr>\n"
            f'      <td data-label="{label["number"]}">{_plain(row.number)}</td>\n'
            f'      <th scope="row" data-label="{label["activity"]}">{title}</th>\n'
            f'      <td data-label="{label["lead"]}">{_plain(row.lead or "—")}</td>\n'
            f'      <td data-label="{label["ends"]}">{_plain(day(row.ends_on))}<br>'
            f'<span class="muted">{_plain(row.days_late_label)}</span></td>\n'
            f'      <td data-label="{label["status"]}"><span class="badge badge-warn">{_plain(row.status_label)}</span></td>\n'
            "    </tr>\n  ")
    return mark_safe("".join(result))


def _frequencies(indicator) -> dict:
    return dict(type(indicator)._meta.get_field("frequency").flatchoices)


def _frequency(indicator, frequencies: dict) -> str:
    """``str(indicator.get_frequency_display())``, from the choices read once."""
    return str(frequencies.get(indicator.frequency, indicator.frequency))


def due_items(views, *, pdf: bool = False) -> str:
    """The ``<li>`` of each indicator whose measurement is due (``_due_list.html``); ``pdf``: no
    links."""
    measured_text = _("dernière mesure le %(date)s; mesure attendue depuis le %(due)s (%(frequency)s)")
    unmeasured_text = _("aucune mesure; une mesure est attendue depuis le %(due)s")
    record_text = _("Saisir une mesure")
    frequencies = None  # {value: label}, as get_frequency_display reads it, built once for the list
    items = []
    for view in views:
        name = _plain(view.name)
        title = f"<strong>{name}</strong>" if pdf else f'<a href="{_plain(view.url)}">{name}</a>'
        due = _plain(day(view.next_due))
        if view.latest:
            frequencies = frequencies or _frequencies(view.indicator)
            state = measured_text % {"date": _plain(day(view.latest.date)), "due": due,
                                     "frequency": _plain(_frequency(view.indicator, frequencies).lower())}
        else:
            state = unmeasured_text % {"due": due}
        if view.responsible:
            state += f" · {_plain(view.responsible)}"
        record = ""
        if view.can_record and not pdf:
            record = (f' · <a href="{_plain(view.record_url)}">{record_text}<span class="visually-hidden"> — {name}'
                      "</span></a>")
        items.append(f"\n    <li>{title} —\n      {state}\n      {record}</li>\n  ")
    return mark_safe("".join(items))


# The bilan's lists (``_bilan.html``) --------------------------------------------------------------

def done_rows(activities) -> str:
    """The ``<tr>`` of each activity done in the period (bilan.DoneActivity)."""
    label = dict(n=_("N°"), action=_("Action"), lead=_("Porteur"), done=_("Réalisée le"),
                    news=_("Dernières nouvelles"))
    return mark_safe("".join(
        "\n      <tr>\n"
        f'        <td data-label="{label["n"]}">{_plain(activity.number)}</td>\n'
        f'        <th scope="row" data-label="{label["action"]}">{_plain(activity.title)}</th>\n'
        f'        <td data-label="{label["lead"]}">{_plain(activity.lead or "—")}</td>\n'
        f'        <td data-label="{label["done"]}">{_plain(day(activity.done_on))}</td>\n'
        f'        <td data-label="{label["news"]}">{_plain(truncatewords(activity.news or "—", 40))}</td>\n'
        "      </tr>\n    "
        for activity in activities))


def decision_rows(decisions, territory_slug: str = "") -> str:
    """The ``<tr>`` of each decision taken in the period (bilan.DecisionRow), its title linked to
    the decision's page in the territory (``territory_slug``) unless there is none (the PDF)."""
    from concertation.decisions.register import ReversedOnce

    label = dict(date=_("Date"), decision=_("Décision"), outcome=_("Ce qui est décidé"), space=_("Espace"),
                    where=_("Où"))
    proposal_url = ReversedOnce("decisions:proposal")
    rows = []
    for row in decisions:
        title = _plain(row.title)
        if territory_slug:
            url = proposal_url(territory=territory_slug, space=row.space_slug, pk=row.id)
            title = f'<a href="{_plain(url)}">{title}</a>'
        rows.append(
            "\n      <tr>\n"
            f'        <td data-label="{label["date"]}">{_plain(day(row.decided_on))}</td>\n'
            f'        <th scope="row" data-label="{label["decision"]}">{title}</th>\n'
            f'        <td data-label="{label["outcome"]}">{_plain(truncatewords(row.outcome or "—", 45))}</td>\n'
            f'        <td data-label="{label["space"]}">{_plain(row.space_name)}</td>\n'
            f'        <td data-label="{label["where"]}">{_plain(row.where.label)}</td>\n'
            "      </tr>\n    ")
    return mark_safe("".join(rows))


def meeting_rows(meetings) -> str:
    """The ``<tr>`` of each meeting held in the period (bilan.MeetingRow)."""
    label = dict(date=_("Date"), meeting=_("Rencontre"), space=_("Espace"), present=_("Personnes présentes"))
    return mark_safe("".join(
        "\n      <tr>\n"
        f'        <td data-label="{label["date"]}">{_plain(day(meeting.starts_at))}</td>\n'
        f'        <th scope="row" data-label="{label["meeting"]}">{_plain(meeting.title)}</th>\n'
        f'        <td data-label="{label["space"]}">{_plain(meeting.space_name)}</td>\n'
        f'        <td class="numeric" data-label="{label["present"]}">{meeting.present}</td>\n'
        "      </tr>\n    "
        for meeting in meetings))


# A revision (``planning/_revision.html``: the dashboard, the plan's revisions, an item's history) --

def _changed(value, empty: bool, tag: str) -> str:
    """« — », or the value in ``<del>`` or ``<ins>``, each line ending with ``<br>``."""
    from django.template.defaultfilters import linebreaksbr

    return "—" if empty else f"<{tag}>{linebreaksbr(value)}</{tag}>"


def revision_card(row: dict, *, viewer, level=2, show_item: bool = False) -> str:
    """One revision (``row``: revision, sentence, changes): what changed, why, who (as ``viewer``
    may see her name, accounts/privacy.py), when, and the decision; its heading an ``<h{level}>``."""
    from django.urls import reverse

    from concertation.accounts.privacy import display_name_for

    revision, level = row["revision"], _plain(level or 2)
    # gettext calls stay outside the f-strings (makemessages does not read inside them); the
    # spaces before the colons and inside the quotes are no-break spaces, as in the msgids.
    label = dict(caption=_("Champs modifiés"), field=_("Champ"), before=_("Avant"), after=_("Après"),
                    reason=_("Raison :"), decision=_("Décision qui l'autorise :"), none=_("aucune"))
    heading = _plain(row["sentence"])
    if show_item:
        heading += f" — {_plain(revision.shown_label)}"
    made = _("Le %(date)s") % {"date": _plain(moment(revision.made_at))}
    if revision.author:
        made += " · " + _("par %(name)s") % {"name": _plain(display_name_for(revision.author, viewer))}
    changes = ""
    if row["changes"]:
        lines = "".join(
            f'\n      <tr><th scope="row" data-label="{label["field"]}">{_plain(change["label"])}</th>\n'
            f'        <td data-label="{label["before"]}">{_changed(change["before"], change["before_empty"], "del")}'
            "</td>\n"
            f'        <td data-label="{label["after"]}">{_changed(change["after"], change["after_empty"], "ins")}'
            "</td></tr>\n    "
            for change in row["changes"])
        changes = (
            '\n  <div class="table-wrap"><table class="diff responsive">\n'
            f'    <caption class="visually-hidden">{label["caption"]}</caption>\n'
            f'    <thead><tr><th scope="col">{label["field"]}</th><th scope="col">{label["before"]}</th>'
            f'<th scope="col">{label["after"]}</th></tr></thead>\n'
            f"    <tbody>\n    {lines}\n    </tbody>\n  </table></div>\n  ")
    decision = revision.decision
    if decision:
        url = reverse("decisions:proposal", kwargs={"territory": decision.space.territory.slug,
                                                    "space": decision.space.slug, "pk": decision.pk})
        authorised = f'<a href="{_plain(url)}">«\u00a0{_plain(decision.title)}\u00a0»</a>'
        if decision.decided_at:
            decided = _("décidée le %(date)s") % {"date": _plain(day(decision.decided_at))}
            authorised += f" ({decided})"
        authorised += "\n    "
    else:
        authorised = label["none"]
    return mark_safe(
        f'\n<article class="card revision" aria-labelledby="revision-{revision.pk}">\n'
        f'  <h{level} id="revision-{revision.pk}">{heading}</h{level}>\n'
        f'  <p class="muted">{made}</p>\n'
        f"  {changes}\n"
        f'  <p><strong>{label["reason"]}</strong> {_plain(revision.reason or "—")}</p>\n'
        f'  <p><strong>{label["decision"]}</strong>\n'
        f"    {authorised}</p>\n"
        "</article>\n")


def bilan_indicator_cards(items, *, period_end, pdf: bool = False) -> str:
    """The card of each indicator of the bilan (bilan.IndicatorInPeriod): its status at the end of
    the period, its chart and its measurements in the period (or their number); ``pdf``: no links."""
    from django.utils.translation import ngettext

    target_text = _("cible : %(target)s d'ici le %(date)s")
    at_end = _("À la fin de la période (%(date)s)") % {"date": _plain(day(period_end))}
    values_text = _("Mesures de la période — %(name)s")
    date_label, value_label, none_text = _("Date"), _("Valeur"), _("Aucune mesure dans la période.")
    cards = []
    for item in items:
        view = item.view
        status, name = view.status, _plain(view.name)
        title = name if pdf else f'<a href="{_plain(view.url)}">{name}</a>'
        about = _plain(view.owner_label)
        if view.unit:
            about += f" · {_plain(view.unit)}"
        about += " · " + target_text % {"target": _plain(view.target),
                                         "date": _plain(day(view.indicator.target_date))}
        if item.values:
            caption = values_text % {"name": name}
            lines = "".join(f'<tr><td>{_plain(day(when))}</td><td class="numeric">{_plain(value)}</td></tr>'
                            for when, value in item.rows)
            measured = (
                '<div class="table-wrap"><table>\n'
                f"        <caption>{caption}</caption>\n"
                f'        <thead><tr><th scope="col">{date_label}</th><th scope="col" class="numeric">{value_label}'
                "</th></tr></thead>\n"
                f"        <tbody>{lines}</tbody>\n"
                "      </table></div>")
        elif item.period_count:
            counted = ngettext("%(counter)s mesure dans la période.", "%(counter)s mesures dans la période.",
                               item.period_count) % {"counter": item.period_count}
            measured = f"<p>{counted}</p>"
        else:
            measured = f'<p class="muted">{none_text}</p>'
        cards.append(
            f'\n    <article class="card" aria-labelledby="bilan-indicateur-{view.id}">\n'
            f'      <h3 id="bilan-indicateur-{view.id}">{title}\n'
            f'        <span class="badge {_plain(status.badge)}">{_plain(status.label)}</span></h3>\n'
            f'      <p class="muted">{about}</p>\n'
            f"      <p>{at_end} — {_plain(view.sentence)}</p>\n"
            f'      <div class="narrow chart-box">{escape(view.line if item.detailed else view.bar)}</div>\n'
            f"      \n      {measured}\n      \n"  # the blank lines of the template's if/elif/else
            "    </article>\n  ")
    return mark_safe("".join(cards))


def bilan_revision_cards(rows, *, viewer, territory_slug: str = "") -> str:
    """The bilan's card of each revision of the period (``row``: revision, sentence, changes), the
    decision linked in the territory (``territory_slug``) unless there is none (the PDF); the
    author's name as ``viewer`` may see it (accounts/privacy.py)."""
    from django.urls import reverse

    from concertation.accounts.privacy import display_name_for

    reason_label, decision_label, none_text = _("Raison :"), _("Décision qui l'autorise :"), _("aucune")
    separator = escape(colon())
    cards = []
    for row in rows:
        revision = row["revision"]
        made = _plain(day(revision.made_at))
        if revision.author:
            made += f" · {_plain(display_name_for(revision.author, viewer))}"
        changes = ""
        if row["changes"]:
            changes = "<ul>" + "".join(
                f'<li>{_plain(change["label"])}{separator} {_plain(change["before"])} → {_plain(change["after"])}</li>'
                for change in row["changes"]) + "</ul>"
        decision = revision.decision
        if decision:
            authorised = f"« {_plain(decision.title)} »"
            if territory_slug:
                url = reverse("decisions:proposal", kwargs={"territory": decision.space.territory.slug,
                                                            "space": decision.space.slug, "pk": decision.pk})
                authorised = f'<a href="{_plain(url)}">{authorised}</a>'
            if decision.decided_at:
                decided = _("décidée le %(date)s") % {"date": _plain(day(decision.decided_at))}
                authorised += f" ({decided})"
        else:
            authorised = none_text
        cards.append(
            '\n    <div class="card">\n'
            f"      <h3>{_plain(row['sentence'])} — {_plain(revision.item_label)}</h3>\n"
            f'      <p class="muted">{made}</p>\n'
            f"      {changes}\n"
            f"      <p><strong>{reason_label}</strong> {_plain(revision.reason or '—')}</p>\n"
            f"      <p><strong>{decision_label}</strong>\n"
            f"        {authorised}</p>\n"
            "    </div>\n  ")
    return mark_safe("".join(cards))
