"""Every family of metrics of a governance-health page as HTML: what it shows, its chart(s), each
followed by its table (the markup ``_families.html`` wrote, byte for byte, its line breaks
included). Written here, once a page: the template engine spent more looking up each family's and
each breakdown's attributes than writing them. Every text is escaped here; the charts and the rows
come already escaped (``charts_health``, ``FamilyView.measures_html``…)."""

from __future__ import annotations

from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _figure(chart) -> str:
    return f'<figure class="chart-figure">{chart}</figure>' if chart else ""


def families_html(families) -> SafeString:
    """The sections of ``families`` (``pages_health.FamilyView``), in their order."""
    measure, current, previous = escape(_("Mesure")), escape(_("Cette période")), escape(_("Période précédente"))
    change, category = escape(_("Écart")), escape(_("Catégorie"))
    meeting, day, mean, answers = (escape(_("Rencontre")), escape(_("Date")), escape(_("Moyenne (sur 5)")),
                                   escape(_("Évaluations")))
    nothing = escape(_("Rien à compter pour ces deux périodes."))
    parts = []
    for family in families:
        key, title = escape(family.key), escape(family.title)
        caption = _("%(title)s : cette période et la précédente") % {"title": title}
        parts.append(
            f'\n<section aria-labelledby="sante-{key}" class="health-family">\n'
            f'  <h2 id="sante-{key}">{title}</h2>\n'
            f'  <p>{escape(family.shows)}</p>\n'
            f'  <p class="muted">{escape(family.watch)}</p>\n'
            f'  {_figure(family.chart)}\n'
            f'  <div class="table-wrap"><table class="responsive">\n'
            f'    <caption>{caption}</caption>\n'
            f'    <thead><tr><th scope="col">{measure}</th><th scope="col">{current}</th>'
            f'<th scope="col">{previous}</th><th scope="col">{change}</th></tr></thead>\n'
            f'    <tbody>\n'
            f'    {family.measures_html}\n'
            f'    </tbody>\n'
            f'  </table></div>\n  ')
        for breakdown in family.breakdowns:
            breakdown_title = escape(breakdown.title)
            parts.append(f'\n    <h3 id="sante-{escape(breakdown.key)}">{breakdown_title}</h3>\n    ')
            if breakdown.rows:
                parts.append(
                    f'\n      {_figure(breakdown.chart)}\n'
                    f'      <div class="table-wrap"><table class="responsive">\n'
                    f'        <caption class="visually-hidden">{breakdown_title}</caption>\n'
                    f'        <thead><tr><th scope="col">{category}</th><th scope="col">{current}</th>'
                    f'<th scope="col">{previous}</th></tr></thead>\n'
                    f'        <tbody>{breakdown.rows_html}</tbody>\n'
                    f'      </table></div>\n    ')
            else:
                parts.append(f'\n      <p class="muted">{nothing}</p>\n    ')
            parts.append("\n  ")
        parts.append("\n  ")
        if family.key == "evaluations":
            trend = escape(_("Appréciation moyenne, rencontre par rencontre"))
            parts.append(f'\n    <h3 id="sante-tendance">{trend}</h3>\n    ')
            if family.trend_rows:
                parts.append(
                    f'\n      {_figure(family.trend_chart)}\n'
                    f'      <div class="table-wrap"><table class="responsive">\n'
                    f'        <caption class="visually-hidden">{trend}</caption>\n'
                    f'        <thead><tr><th scope="col">{meeting}</th><th scope="col">{day}</th>'
                    f'<th scope="col">{mean}</th><th scope="col">{answers}</th></tr></thead>\n'
                    f'        <tbody>{family.trend_html}</tbody>\n'
                    f'      </table></div>\n    ')
            else:
                none_yet = escape(_("Aucune évaluation remplie dans cette période."))
                parts.append(f'\n      <p class="muted">{none_yet}</p>\n    ')
            parts.append("\n  ")
        parts.append("\n</section>\n")
    return mark_safe("\n" + "".join(parts) + "\n")
