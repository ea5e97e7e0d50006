"""What a result's tables show (templates/decisions/_results_tables.html), from the stored result and
the traits of its method (decisions/methods): rows per position or option, slots of a poll of dates,
rounds, the pairwise matrix, each college. No query.
"""

from __future__ import annotations

import copy
from fractions import Fraction

from django.utils.translation import gettext as _

from . import methods
from .explain import explain
from .forms import answer_labels, method_text, result_positions


def number(value):
    """A stored count as a number to show: "p/q" strings and fractions become floats (int when whole)."""
    if isinstance(value, str) and "/" in value:
        numerator, denominator = value.split("/", 1)
        value = Fraction(int(numerator), int(denominator))
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value or 0


def _percent(value, total) -> int:
    return round(100 * number(value) / total) if total else 0


def _rows(pairs, total) -> list[dict]:
    return [{"label": label, "count": number(count), "percent": _percent(count, total), "key": key}
            for key, label, count in pairs]


def _reason_titles() -> list[tuple[str, str]]:
    return [(key, title) for key, title in (
        ("objections", _("Objections")), ("blocks", _("Blocages")), ("disagree_reasons", _("Désaccords")),
        ("stand_aside_reasons", _("En retrait")),
    )]


def _positions(view: dict, method: methods.Method, data: dict) -> None:
    counts = data.get("counts") or {}
    pairs = [(key, label, counts.get(key, 0)) for key, label in result_positions(method)]
    view["rows"] = _rows(pairs, sum(number(count) for _key, _label, count in pairs))
    explanation = data.get("explanation") or {}
    for key, title in _reason_titles():
        if explanation.get(key):
            view["reasons"].append({"title": title, "items": explanation[key]})


def _slots(view: dict, method: methods.Method, data: dict, labels: dict, winners: list) -> None:
    counts = data.get("counts") or {}
    order = winners + [key for key in labels if key not in winners]
    answers = answer_labels(method)
    view["slots"] = [
        {"label": labels.get(key, key), "first": n == 0 and bool(winners),
         "answers": [{"label": label, "count": number((counts.get(key) or {}).get(answer, 0))}
                     for answer, label in answers]}
        for n, key in enumerate(order)
    ]
    view["answer_labels"] = [label for _answer, label in answers]


def _options(view: dict, method: methods.Method, data: dict, labels: dict, winners: list) -> None:
    counts = data.get("counts") or {}
    order = winners + [key for key in labels if key not in winners]
    pairs = [(key, labels.get(key, key), counts.get(key, 0)) for key in order]
    total = data.get("participants", 0) if method.share_of_voters else sum(number(c) for _k, _l, c in pairs)
    view["rows"] = _rows(pairs, total)
    for n, row in enumerate(view["rows"]):
        if data.get("no_decision"):
            row["winner"] = False  # without quorum, no option wins
        elif method.elects:
            row["winner"] = row["key"] in winners
        else:
            row["winner"] = n == 0 and bool(winners)
    means = (data.get("explanation") or {}).get("means")
    if means is not None:
        view["means_column"] = True
        for row in view["rows"]:
            row["mean"] = number(means.get(row["key"], 0))
    if method.shows_rounds:
        for item in data.get("rounds") or []:
            view["rounds"].append({
                "number": item.get("round"),
                "counts": [{"label": labels.get(str(key), str(key)), "count": number(count)}
                           for key, count in (item.get("counts") or {}).items()],
                "elected": [labels.get(str(key), str(key)) for key in item.get("elected") or []],
                "eliminated": [labels.get(str(key), str(key)) for key in item.get("eliminated") or []],
                "exhausted": number(item.get("exhausted") or 0),
            })
    if method.shows_pairwise and data.get("pairwise"):
        matrix = data["pairwise"]
        keys = [row["key"] for row in view["rows"]]
        view["pairwise"] = {
            "headers": [labels.get(key, key) for key in keys],
            "rows": [{"label": labels.get(x, x),
                      "cells": [None if x == y else number((matrix.get(x) or {}).get(y, 0)) for y in keys]}
                     for x in keys],
        }


def present_results(proposal, data: dict | None, options, college_names: dict, *, live: bool) -> dict | None:
    """What the results table shows: rows per position or option, rounds, the pairwise matrix."""
    if not data:
        return None
    key = data.get("method", proposal.method)
    method = methods.REGISTRY.get(key)
    shown = copy.copy(proposal)
    shown.result = data
    labels = {str(option): label for option, label in (data.get("options") or {}).items()} or \
        {str(option.pk): option.label for option in options}
    winners = [str(option) for option in data.get("winners") or []]
    view = {
        "method": key, "live": live, "explanation": explain(shown, college_names),
        "participants": data.get("participants", 0), "eligible": data.get("eligible", 0),
        "adopted": data.get("adopted"), "no_decision": data.get("no_decision", False),
        "rows": [], "slots": [], "rounds": [], "pairwise": None, "colleges": [], "reasons": [],
        "count_label": method_text(method.count_label) if method else "", "means": {}, "means_column": False,
        "by_position": bool(method and method.position_labels), "elects": bool(method and method.elects),
    }
    view["count_label"] = view["count_label"] or _("Nombre")
    if method is None:
        pass
    elif method.position_labels:
        _positions(view, method, data)
    elif method.ballot_shape == "slots":
        _slots(view, method, data, labels, winners)
    elif method.tallied:
        _options(view, method, data, labels, winners)
    for slug, item in (data.get("colleges") or {}).items():
        college_counts = item.get("counts") or {}
        view["colleges"].append({
            "name": college_names.get(slug, (slug, ""))[0], "adopted": item.get("adopted"),
            "yes": college_counts.get("yes", 0), "no": college_counts.get("no", 0),
            "abstain": college_counts.get("abstain", 0),
        })
    return view
