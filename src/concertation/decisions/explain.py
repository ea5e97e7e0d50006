"""A result told in plain language, in the reader's language, from the numbers stored at closing.

« Adoptée : 12 pour, 3 contre, 2 abstentions; majorité des deux tiers des voix exprimées atteinte
(12 ≥ 10); quorum atteint : 15 organismes sur 21. »
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from concertation.core.formatting import nbsp as _colon

from . import methods


def _base_phrase(base: str) -> str:
    return {"cast": _("des voix exprimées"), "present": _("des membres votants présents"),
            "eligible": _("des membres votants")}.get(base, "")


def threshold_phrase(threshold: str, base: str, numerator=None, denominator=None) -> str:
    if threshold == "simple":
        return _("majorité simple (plus de « pour » que de « contre »)")
    if threshold == "absolute":
        return _("majorité absolue %(base)s") % {"base": _base_phrase(base)}
    if threshold == "two_thirds":
        return _("majorité des deux tiers %(base)s") % {"base": _base_phrase(base)}
    return _("majorité de %(fraction)s %(base)s") % {"fraction": f"{numerator}/{denominator}",
                                                     "base": _base_phrase(base)}


def quorum_phrase(quorum: dict, voting_unit: str, college_names: dict | None = None, *, live: bool = False) -> str:
    """The quorum of a vote (what was missing, in the past tense), or with ``live`` of a meeting under
    way (« il en faut 9 »: what is still missing)."""
    if not quorum or quorum.get("kind") == "none":
        return _("aucun quorum requis")
    present, eligible, required = quorum["present"], quorum["eligible"], quorum["required"]
    unit = quorum.get("unit", voting_unit)
    if unit == "mixed":
        counted = ngettext("%(present)s membre votant sur %(eligible)s",
                           "%(present)s membres votants sur %(eligible)s", present)
    elif unit == "organization":
        counted = ngettext("%(present)s organisme sur %(eligible)s", "%(present)s organismes sur %(eligible)s",
                           present)
    else:
        counted = ngettext("%(present)s personne sur %(eligible)s", "%(present)s personnes sur %(eligible)s",
                           present)
    counted = counted % {"present": present, "eligible": eligible}
    if quorum.get("met"):
        return _colon(_("quorum atteint{nbsp}: %(counted)s")) % {"counted": counted}
    reasons = []
    if present < required:
        if live:
            reasons.append(_("il en faut %(required)s") % {"required": required})
        else:
            reasons.append(_("il en fallait %(required)s") % {"required": required})
    for slug, _present, minimum in quorum.get("missing_colleges", []):
        name, kind = (college_names or {}).get(slug, (slug, ""))
        if kind == "citizen" and _present == 0:
            reasons.append(_("aucune citoyenne ni aucun citoyen présent"))
            continue
        if live:
            missing = ngettext("il faut au moins %(minimum)s membre du collège %(college)s",
                               "il faut au moins %(minimum)s membres du collège %(college)s", minimum)
        else:
            missing = ngettext("il fallait au moins %(minimum)s membre du collège %(college)s",
                               "il fallait au moins %(minimum)s membres du collège %(college)s", minimum)
        reasons.append(missing % {"minimum": minimum, "college": name})
    return _colon(_("quorum non atteint{nbsp}: %(counted)s, %(reasons)s")) % {
        "counted": counted, "reasons": _(" et ").join(reasons),
    }


def college_names_of(territory_id) -> dict:
    from concertation.directory.models import College

    return {slug: (name, kind) for slug, name, kind in
            College.objects.filter(territory_id=territory_id).values_list("slug", "name", "kind")}


def explain(proposal, college_names: dict | None = None) -> str:
    """The whole result in one or two plain sentences. ``college_names``: {slug: (name, kind)}."""
    result = proposal.result or {}
    if not result:
        return ""
    if college_names is None:
        college_names = college_names_of(proposal.space.territory_id)
    quorum = quorum_phrase(result.get("quorum", {}), proposal.voting_unit, college_names)
    counts = result.get("counts", {})
    method = result.get("method", proposal.method)
    if result.get("no_decision"):
        return _colon(_("Aucune décision{nbsp}: %(quorum)s.")) % {"quorum": quorum}
    plugin = methods.REGISTRY.get(method)
    way = EXPLAINED_AS.get(plugin.explained_as if plugin else "ranking", _ranking)
    return way(proposal, result, counts, quorum, college_names, plugin)


def _threshold(proposal, result, counts, quorum, college_names, plugin) -> str:
    """A vote by threshold: for, against, abstentions, the threshold reached or not, each college."""
    data = result.get("explanation", {})
    verdict = _("Adoptée") if result.get("adopted") else _("Rejetée")
    votes = _("%(yes)s pour, %(no)s contre, %(abstain)s abstentions") % {
        "yes": counts.get("yes", 0), "no": counts.get("no", 0), "abstain": counts.get("abstain", 0),
    }
    yes, required = counts.get("yes", 0), data.get("required")
    rule = threshold_phrase(proposal.threshold, data.get("base", proposal.base), proposal.threshold_numerator,
                            proposal.threshold_denominator)
    met = _threshold_met(result, proposal)
    if proposal.threshold == "simple":
        no = counts.get("no", 0)
        comparison = f"{yes} > {no}" if met else f"{yes} ≤ {no}"
    else:
        # The smallest number of "yes" that reaches the threshold: plainer than a fraction.
        comparison = f"{yes} ≥ {required}" if met else f"{yes} < {required}"
    reached = _("atteinte") if met else _("non atteinte")
    text = _colon(_("%(verdict)s{nbsp}: %(votes)s; %(rule)s %(reached)s (%(comparison)s); %(quorum)s.")) % {
        "verdict": verdict, "votes": votes, "rule": rule, "reached": reached, "comparison": comparison,
        "quorum": quorum,
    }
    if "colleges" in result:
        failing = [slug for slug, item in result["colleges"].items() if not item["adopted"]]
        if failing:
            text += " " + ngettext("Double majorité non atteinte dans le collège %(colleges)s.",
                                   "Double majorité non atteinte dans les collèges %(colleges)s.",
                                   len(failing)) % {
                "colleges": ", ".join((college_names or {}).get(slug, (slug, ""))[0] for slug in failing)}
        else:
            text += " " + _("Double majorité atteinte dans chaque collège.")
    return text


def _agreement(proposal, result, counts, quorum, college_names, plugin) -> str:
    """A consensus: agreements, stepping aside, disagreements, blocks; the fallback vote if opened."""
    agree, aside, disagree, block = (counts.get(position, 0) for position in plugin.positions)
    tally = _("%(agree)s d'accord, %(aside)s en retrait, %(disagree)s en désaccord, %(blocks)s") % {
        "agree": agree, "aside": aside, "disagree": disagree,
        "blocks": ngettext("%(count)s blocage", "%(count)s blocages", block) % {"count": block},
    }
    verdict = _("Consensus atteint") if result.get("adopted") else _("Consensus non atteint")
    text = _colon(_("%(verdict)s{nbsp}: %(tally)s; %(quorum)s.")) % {"verdict": verdict, "tally": tally,
                                                                     "quorum": quorum}
    if result.get("fallback_proposal"):
        text += " " + _("Le vote de repli prévu par la charte est ouvert.")
    return text


def _objections(proposal, result, counts, quorum, college_names, plugin) -> str:
    """A consent: consents, stepping aside, objections."""
    consent, aside, objection = (counts.get(position, 0) for position in plugin.positions)
    tally = _("%(consents)s, %(aside)s en retrait, %(objections)s") % {
        "consents": ngettext("%(count)s consentement", "%(count)s consentements", consent) % {"count": consent},
        "aside": aside,
        "objections": ngettext("%(count)s objection", "%(count)s objections", objection) % {"count": objection},
    }
    verdict = _("Adoptée par consentement") if result.get("adopted") else _("Objection soulevée")
    return _colon(_("%(verdict)s{nbsp}: %(tally)s; %(quorum)s.")) % {"verdict": verdict, "tally": tally,
                                                                     "quorum": quorum}


def _advice(proposal, result, counts, quorum, college_names, plugin) -> str:
    """Advice is gathered, not counted: how many were received."""
    received = counts.get(plugin.key, 0)
    return ngettext("%(count)s avis reçu.", "%(count)s avis reçus.", received) % {"count": received}


def _ranking(proposal, result, counts, quorum, college_names, plugin, *, way: str = "ranking") -> str:
    """Who leads and in what order (or who is elected, or whether agreement is reached)."""
    labels = result.get("options", {})
    winners = [labels.get(str(key), str(key)) for key in result.get("winners", [])]
    if not winners:
        return _colon(_("Aucun choix exprimé{nbsp}; %(quorum)s.")) % {"quorum": quorum}
    if way == "elected":
        text = _colon(_("Personnes ou options élues{nbsp}: %(winners)s; %(quorum)s.")) % {
            "winners": ", ".join(winners), "quorum": quorum}
    elif way == "degrees":
        text = (_("Accord atteint") if result.get("adopted") else _("Accord non atteint")) + "; " + quorum + "."
    else:
        text = _colon(_("En tête{nbsp}: %(winner)s; classement{nbsp}: %(order)s; %(quorum)s.")) % {
            "winner": winners[0], "order": " › ".join(winners), "quorum": quorum}
    if result.get("tie_broken"):
        text += " " + _("Une égalité a été départagée par la règle prévue (tours précédents, puis tirage au sort "
                        "reproductible).")
    return text


#: the ways of saying a result, by the name a method gives (``Method.explained_as``)
EXPLAINED_AS = {
    "threshold": _threshold,
    "agreement": _agreement,
    "objections": _objections,
    "gathered": _advice,
    "ranking": _ranking,
    "elected": lambda *args: _ranking(*args, way="elected"),
    "degrees": lambda *args: _ranking(*args, way="degrees"),
}


def _number(value):
    if isinstance(value, str) and "/" in value:
        numerator, denominator = value.split("/")
        return int(numerator) / int(denominator)
    return value


def _threshold_met(result: dict, proposal) -> bool:
    if result.get("colleges") is not None or result.get("no_decision"):
        # The overall verdict also depends on colleges or quorum: report the count itself.
        counts = result.get("counts", {})
        data = result.get("explanation", {})
        if proposal.threshold == "simple":
            return counts.get("yes", 0) > counts.get("no", 0)
        return data.get("required") is not None and counts.get("yes", 0) >= _number(data["required"])
    return bool(result.get("adopted"))
