"""A charter told in one plain-language paragraph, and the difference between two versions."""

from __future__ import annotations

import difflib

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from concertation.core.formatting import NBSP

from .decision_methods import method_entry
from .models import Charter


def _threshold_phrase(charter: Charter) -> str:
    if charter.threshold == Charter.Threshold.SIMPLE:
        return _("vote à la majorité simple")
    if charter.threshold == Charter.Threshold.ABSOLUTE:
        return _("vote à la majorité absolue")
    if charter.threshold == Charter.Threshold.TWO_THIRDS:
        return _("vote aux deux tiers")
    return _("vote aux %(numerator)s/%(denominator)s") % {
        "numerator": charter.threshold_numerator,
        "denominator": charter.threshold_denominator,
    }


def _base_phrase(base: str) -> str:
    return {
        Charter.Base.CAST: _("des voix exprimées"),
        Charter.Base.PRESENT: _("des membres votants présents"),
        Charter.Base.ELIGIBLE: _("des membres votants"),
    }[base]


def method_phrase(charter: Charter, method: str) -> str:
    """How a charter's sentence names a decision method: its threshold and base for a vote by
    threshold, else its phrase (« consensus »), else its name in lower case."""
    entry = method_entry(method)
    if entry is not None and entry.thresholded:
        return f"{_threshold_phrase(charter)} {_base_phrase(charter.base)}"
    if entry is not None and entry.phrase:
        return str(entry.phrase)
    label = dict(Charter.METHOD_CHOICES).get(method, method)
    return str(label).lower()


def _college_minimum_phrase(slug: str, minimum: int, colleges: dict) -> str:
    college = colleges.get(slug)
    if college is not None and college.kind == "citizen":
        return ngettext(
            "au moins une citoyenne ou un citoyen",
            "au moins %(count)s citoyennes ou citoyens",
            minimum,
        ) % {"count": minimum}
    name = college.name if college is not None else slug
    return ngettext(
        "au moins une personne du collège %(name)s",
        "au moins %(count)s personnes du collège %(name)s",
        minimum,
    ) % {"count": minimum, "name": name}


def quorum_phrase(charter: Charter, colleges: dict | None = None) -> str:
    colleges = colleges or {}
    if charter.quorum_kind == Charter.QuorumKind.NONE:
        text = _("aucun quorum")
    elif charter.quorum_kind == Charter.QuorumKind.COUNT:
        text = ngettext("%(count)s membre votant", "%(count)s membres votants", charter.quorum_count or 0) % {
            "count": charter.quorum_count
        }
    elif charter.quorum_kind == Charter.QuorumKind.SHARE:
        text = _("%(percent)s{nbsp}%% des membres votants").replace("{nbsp}", NBSP) % {
            "percent": charter.quorum_share_percent
        }
    else:
        text = _("50{nbsp}%% + 1 des membres votants").replace("{nbsp}", NBSP) % {}
    minimums = [
        _college_minimum_phrase(slug, minimum, colleges)
        for slug, minimum in sorted((charter.college_minimums or {}).items())
        if minimum
    ]
    if minimums and charter.quorum_kind != Charter.QuorumKind.NONE:
        text = _("%(quorum)s, dont %(minimums)s") % {"quorum": text, "minimums": _(" et ").join(minimums)}
    return text


def rule_sentence(charter: Charter | None, colleges: dict | None = None) -> str:
    """« Décisions : consensus; à défaut, vote aux deux tiers des membres votants présents; … »"""
    if charter is None:
        return _("Cet espace n'a pas encore de charte : ses règles de décision restent à adopter.")
    parts = [method_phrase(charter, charter.method)]
    if charter.fallback_method and charter.fallback_method != charter.method:
        parts.append(_("à défaut, %(fallback)s") % {"fallback": method_phrase(charter, charter.fallback_method)})
    parts.append(
        _("une voix par organisme") if charter.voting_unit == Charter.VotingUnit.ORGANIZATION
        else _("une voix par personne")
    )
    if charter.double_majority:
        parts.append(_("double majorité par collège"))
    parts.append(_("quorum{nbsp}: %(quorum)s").replace("{nbsp}", NBSP) % {"quorum": quorum_phrase(charter, colleges)})
    return _("Décisions{nbsp}: %(rules)s.").replace("{nbsp}", NBSP) % {"rules": _("; ").join(parts)}


# The difference between two versions -----------------------------------------------------------

def _display(charter: Charter, field: str) -> str:
    value = getattr(charter, field)
    if field in {"method", "fallback_method"}:
        return str(dict(Charter.METHOD_CHOICES).get(value, value or "—"))
    display = getattr(charter, f"get_{field}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, dict):
        return ", ".join(f"{key}{NBSP}: {val}" for key, val in sorted(value.items())) or "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return "—" if value in (None, "") else str(value)


def charter_diff(old: Charter | None, new: Charter) -> dict:
    """Structured fields that changed, and a line diff of the rules text (HTML, escaped)."""
    from .services import CHARTER_RULE_FIELDS

    changes = []
    for field in CHARTER_RULE_FIELDS:
        if field == "rules_text":
            continue
        old_value = _display(old, field) if old is not None else "—"
        new_value = _display(new, field)
        if old_value != new_value:
            changes.append(
                {"label": str(Charter._meta.get_field(field).verbose_name), "old": old_value, "new": new_value}
            )
    old_lines = (old.rules_text if old is not None else "").splitlines()
    new_lines = new.rules_text.splitlines()
    lines = []
    for line in difflib.ndiff(old_lines, new_lines):
        tag, text = line[:2], escape(line[2:])
        if tag == "+ ":
            lines.append(f"<ins>{text}</ins>")
        elif tag == "- ":
            lines.append(f"<del>{text}</del>")
        elif tag == "  ":
            lines.append(f"<span>{text}</span>")
    return {"fields": changes, "text_html": mark_safe("\n".join(lines)), "text_changed": old_lines != new_lines}
