"""Every model of the project is either exported with its territory or listed with the reason it
is not; every column holding an id by convention is translated. A model, an id column or a JSON
column added later by another app fails here until portability knows it."""

from django.db import models

from concertation.portability.graph import (
    GENERIC_REFERENCES,
    NOT_EXPORTED,
    TERRITORY_COLUMNS,
    exported_labels,
    project_models,
    territory_graph,
    uncovered_models,
)
from concertation.portability.structured import PLAIN_JSON, STRUCTURED


def test_every_model_is_exported_or_listed_with_a_reason():
    assert uncovered_models() == [], (
        "models neither reached from directory.Territory nor listed in portability.graph.NOT_EXPORTED")
    assert not exported_labels() & set(NOT_EXPORTED)
    assert all(reason.strip() for reason in NOT_EXPORTED.values())
    known = {model._meta.label for model in project_models()}
    assert set(NOT_EXPORTED) <= known, "NOT_EXPORTED names a model that no longer exists"


def test_the_territory_and_its_content_are_exported():
    labels = exported_labels()
    for label in ("directory.Territory", "spaces.Membership", "decisions.Ballot", "decisions.Proposal_documents",
                  "meetings.Minutes", "planning.Measurement", "knowledge.DocumentVersion", "knowledge.Comment",
                  "core.AuditEvent", "planning.Activity_partners"):
        assert label in labels


def test_parents_come_before_children():
    seen = set()
    for node in territory_graph():
        for name, target in node.foreign_keys.items():
            if target in exported_labels() and target != node.label and name not in node.deferred:
                assert target in seen, f"{node.label}.{name} → {target} written later"
        for ref in GENERIC_REFERENCES.get(node.label, ()):
            if ref.targets is not None:
                assert ref.targets() & exported_labels() <= seen | {node.label}
        seen.add(node.label)
    assert territory_graph()[-1].label == "core.AuditEvent"  # it may name anything


def test_every_id_column_that_is_not_a_foreign_key_is_translated():
    exported = {node.label: node.model for node in territory_graph()}
    for label, model in exported.items():
        for f in model._meta.concrete_fields:
            integer = isinstance(f, models.IntegerField) and not f.is_relation and not f.primary_key
            if integer and f.name.endswith("_id"):
                columns = {ref.column for ref in GENERIC_REFERENCES.get(label, ())}
                assert f.name in columns or TERRITORY_COLUMNS.get(label) == f.name, f"{label}.{f.name}"


def test_every_json_column_is_known():
    for node in territory_graph():
        for f in node.model._meta.concrete_fields:
            if isinstance(f, models.JSONField):
                key = (node.label, f.name)
                assert key in STRUCTURED or key in PLAIN_JSON, f"{key}: ids inside? add it to portability.structured"


def test_every_id_an_audit_event_names_in_its_details_is_translated():
    """``audit.record(…, space=space.pk)``: the ids in details are remapped by key
    (``graph.AUDIT_DETAIL_MODELS``); a new key holding an id must be added there."""
    import ast
    from pathlib import Path

    import concertation
    from concertation.portability.graph import AUDIT_DETAIL_MODELS

    # territory_id, target, actor: columns of their own; item_id: with item_type; target_label is
    # text (« Personne effacée #12 ») and by_self a boolean made from ids.
    handled = set(AUDIT_DETAIL_MODELS) | {"territory_id", "item_id", "target", "actor", "target_label", "by_self"}
    unknown = set()
    for path in Path(concertation.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "record(" not in source or "/migrations/" in str(path):
            continue
        for call in ast.walk(ast.parse(source)):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute | ast.Name)):
                continue
            if getattr(call.func, "attr", getattr(call.func, "id", None)) != "record":
                continue
            for keyword in call.keywords:
                ids = [n for n in ast.walk(keyword.value) if isinstance(n, ast.Attribute)
                       and (n.attr == "pk" or n.attr.endswith("_id"))]
                if ids and keyword.arg not in handled:
                    unknown.add(f"{path.name}: {keyword.arg}")
    assert not unknown, f"audit details holding ids, unknown to portability.graph.AUDIT_DETAIL_MODELS: {unknown}"
