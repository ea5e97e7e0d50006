"""Primary keys inside text and JSON columns, and how each is translated.

``STRUCTURED[(model label, field)] = (translator, late)``: ``translator(value, row, ctx)`` returns
the value with its ids resolved through ``ctx``; ``late`` columns are written once every row of
the archive exists (a proposal's result names options written after it). Keep this list next to
the code that writes such columns: ``tests/portability/test_coverage.py`` lists the JSON columns
of exported models and fails for one that is neither here nor in ``PLAIN_JSON``.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

PEOPLE = "accounts.User"

# JSON columns that hold no primary key (slugs, settings, counts).
PLAIN_JSON = {
    ("spaces.Charter", "voting_categories"), ("spaces.Charter", "college_minimums"),
    ("spaces.Charter", "reserved_plan_changes"), ("decisions.Proposal", "eligible_categories"),
    ("decisions.Proposal", "college_minimums"), ("decisions.Proposal", "method_settings"),
    ("planning.Revision", "diff"),
}


def _missing():
    from .rows import MISSING

    return MISSING


def voter_key(value: str, row: dict, ctx) -> str:
    """``u:<person>`` / ``o:<organization>``; a sealed ballot's ``anon:…`` stays as it is."""
    kind, _, number = (value or "").partition(":")
    label = {"u": PEOPLE, "o": "directory.Organization"}.get(kind)
    if label is None or not number.isdigit():
        return value
    found = ctx.resolve(label, int(number))
    if found is _missing() and getattr(ctx, "orphan", None) is not None:
        # On import the old number would name whoever has it on this instance: an archive made by
        # this app always carries the voter (people.json, the territory's organizations).
        from django.utils.translation import gettext as _

        from .rows import ArchiveError

        raise ArchiveError(_("Cette archive est incomplète ou a été modifiée (%(detail)s) : rien n'a été "
                             "importé.") % {"detail": f"{row.get('pk')}: {value}"})
    return value if found is _missing() else f"{kind}:{found}"


def _options(value: Any, proposal, ctx) -> Any:
    """Option ids (strings, as counting writes them) in keys and values, at any depth."""
    if isinstance(value, dict):
        return {(ctx.option(proposal, k) or k): _options(v, proposal, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [_options(v, proposal, ctx) for v in value]
    if isinstance(value, str):
        return ctx.option(proposal, value) or value
    return value


def proposal_result(value, row, ctx):
    return _options(value, row["pk"], ctx)


def per_proposal(value, row, ctx):
    return _options(value, row["fields"]["proposal"], ctx)


def plan_snapshot(value, row, ctx):
    """A plan item as it was (``before``/``after`` of a revision): ``<fk>_id`` keys hold ids."""
    if not isinstance(value, dict):
        return value
    try:
        model = apps.get_model("planning", row["fields"]["item_type"])
    except LookupError:
        return value
    out = dict(value)
    for f in model._meta.concrete_fields:
        if f.is_relation and f.attname in out and isinstance(out[f.attname], int):
            found = ctx.resolve(f.related_model._meta.label, out[f.attname])
            out[f.attname] = None if found is _missing() else found
    return out


def audit_details(value, row, ctx):
    from .graph import AUDIT_DETAIL_MODELS, PLAN_ITEMS

    if not isinstance(value, dict):
        return value
    out = dict(value)
    for key, number in value.items():
        label = AUDIT_DETAIL_MODELS.get(key)
        if key == "item_id" and isinstance(value.get("item_type"), str):
            label = f"planning.{value['item_type'].capitalize()}"
            label = label if label in PLAN_ITEMS else None
        if label and isinstance(number, int) and not isinstance(number, bool):
            found = ctx.resolve(label, number)
            out[key] = None if found is _missing() else found
    return out


STRUCTURED = {
    ("decisions.Ballot", "voter_key"): (voter_key, False),
    ("decisions.Participation", "voter_key"): (voter_key, False),
    ("decisions.Proposal", "result"): (proposal_result, True),
    ("decisions.ProposalRound", "result"): (per_proposal, True),
    ("decisions.Ballot", "value"): (per_proposal, True),
    ("planning.Revision", "before"): (plan_snapshot, False),
    ("planning.Revision", "after"): (plan_snapshot, False),
    ("core.AuditEvent", "details"): (audit_details, False),
}
