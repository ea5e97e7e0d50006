"""What « everything of a territory » is: the models found by walking Django's app registry from
``directory.Territory``, in the order their rows can be written back.

A model belongs to a territory when one of its foreign keys leads, step by step, to
``directory.Territory`` (a space, a membership, a ballot, a ManyToMany table…), or when it names
its territory by id (``GENERIC_REFERENCES``: the audit log). Every other model of the project must
be listed in ``NOT_EXPORTED`` with the reason: ``tests/portability/test_coverage.py`` fails for a
model added later that is neither, so a new app's data is never silently left out of an archive.

People (``accounts.User``) are instance-wide: an archive carries those the territory's rows name
(``people.json``), matched by e-mail on import.

Besides foreign keys, some columns hold a primary key by convention; they are remapped on import
and replaced by natural keys in the canonical dump:
- ``GENERIC_REFERENCES``: (kind, id) pairs — the audit log's territory and target, a comment's
  target, a plan revision's item;
- ``AUDIT_DETAIL_MODELS``: the ids an audit event's details name (``space=…``, ``person=…``);
- ``decisions``: option ids in a proposal's result and in ballots' values, and the voter keys
  ``u:<person>`` / ``o:<organization>`` of ballots and participations (``structured.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models

TERRITORY = "directory.Territory"
PEOPLE = "accounts.User"

_INSTANCE = "instance-wide"
NOT_EXPORTED: dict[str, str] = {
    PEOPLE: "instance-wide; the people the territory names are exported apart (people.json), without "
            "their password, and matched by e-mail on import",
    "accounts.User_groups": f"{_INSTANCE}: Django's permission groups (unused)",
    "accounts.User_user_permissions": f"{_INSTANCE}: Django's permissions (unused)",
    "auth.Group": f"{_INSTANCE}: Django's permission groups (unused)",
    "auth.Group_permissions": f"{_INSTANCE}: Django's permission groups (unused)",
    "auth.Permission": "derived: created by migrate",
    "contenttypes.ContentType": "derived: created by migrate",
    "admin.LogEntry": f"{_INSTANCE}: the admin's own history",
    "sessions.Session": f"{_INSTANCE}: sign-in sessions",
    "core.RateCounter": f"{_INSTANCE}: request counters of the rate limits, a minute long",
    "django_tasks_database.DBTaskResult": f"{_INSTANCE}: the task queue (e-mails already sent or due)",
    "account.EmailAddress": "derived: a person's verified address, written for the people an import creates",
    "account.EmailConfirmation": f"{_INSTANCE}: pending confirmation tokens",
    "mfa.Authenticator": "secret: a person's second factor stays on the instance (sign in again after a reset)",
    "meetings.CalendarToken": "secret: a person's calendar-feed token (a new one is made on demand)",
    "search.Entry": "derived: the search index, rebuilt for the territory at the end of an import",
    "api.AccessToken": "secret: a person's API token, instance-wide (its owner makes a new one)",
    "notifications.Notification": "per person: one's inbox, whose context cites objects by id; not the "
                                  "territory's record (the objects it told about are exported)",
    "notifications.Delivery": "per person: e-mails of notifications, already sent",
    "notifications.Preference": "per person: one's e-mail preferences, instance-wide",
    "notifications.DigestRun": f"{_INSTANCE}: the scheduler's bookkeeping",
    "notifications.DigestDelivery": f"{_INSTANCE}: the scheduler's bookkeeping",
}


@dataclass(frozen=True)
class GenericReference:
    """A column holding the id of a row of the model ``target(row)`` returns (a label, or None
    when the row names something that is not exported: the reference is then dropped).
    ``targets()`` lists the models it may name (None: any), written before the model's rows."""

    column: str
    target: Callable[[dict], str | None]
    targets: Callable[[], set[str]] | None = None


def _label_of_lower(label_lower: str) -> str | None:
    if not label_lower:
        return None
    try:
        return apps.get_model(label_lower)._meta.label
    except (LookupError, ValueError):
        return None


def _discussion_target(row: dict) -> str | None:
    from concertation.knowledge.discussions_registry import target

    found = target(row["target_kind"])
    return found.model._meta.label if found is not None else None


def _discussion_models() -> set[str]:
    from concertation.knowledge.discussions_registry import kinds, target

    return {target(kind).model._meta.label for kind in kinds()}


def _revision_item(row: dict) -> str | None:
    return _label_of_lower(f"planning.{row['item_type']}")


PLAN_ITEMS = {"planning.Priority", "planning.Objective", "planning.Strategy", "planning.Activity",
              "planning.Indicator", "planning.Measurement"}


GENERIC_REFERENCES: dict[str, list[GenericReference]] = {
    "core.AuditEvent": [
        GenericReference("territory_id", lambda row: TERRITORY, lambda: {TERRITORY}),
        GenericReference("target_id", lambda row: _label_of_lower(row["target_type"])),
    ],
    "knowledge.Comment": [GenericReference("target_id", _discussion_target, _discussion_models)],
    "planning.Revision": [GenericReference("item_id", _revision_item, lambda: PLAN_ITEMS)],
}

# Models that name their territory by id instead of a foreign key (core is below directory).
TERRITORY_COLUMNS: dict[str, str] = {"core.AuditEvent": "territory_id"}

# The ids an audit event's details name, by key (core.audit.record(…, space=space.pk)).
AUDIT_DETAIL_MODELS: dict[str, str] = {
    "space": "spaces.Space", "plan": "planning.Plan", "role": "spaces.Role", "meeting": "meetings.Meeting",
    "at_meeting": "meetings.Meeting", "decision": "decisions.Proposal", "college": "directory.College",
    "organization": "directory.Organization", "person": PEOPLE, "delegate": PEOPLE, "alternate": PEOPLE,
    "previous": PEOPLE,
}


@dataclass
class Node:
    """One exported model: how its rows are found from the territory, and how they are written."""

    model: type[models.Model]
    path: str  # the lookup from the model to the territory ("space__territory"), "pk" for the territory
    # foreign keys: field name → label of the target model
    foreign_keys: dict[str, str] = field(default_factory=dict)
    # nullable foreign keys written after every row exists (they close a cycle between models)
    deferred: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return self.model._meta.label


def label(model) -> str:
    return model._meta.label


def project_models() -> list[type[models.Model]]:
    return list(apps.get_models(include_auto_created=True))


def _territory_path(model, found: dict[str, tuple[int, str]]) -> tuple[int, str] | None:
    """The lookup from ``model`` to the territory through a foreign key to a model already found:
    the one with the fewest nullable steps (a required chain finds every row), then the shortest."""
    if label(model) in TERRITORY_COLUMNS:
        return (0, TERRITORY_COLUMNS[label(model)])
    best = None
    for f in model._meta.concrete_fields:
        if not f.is_relation or f.related_model is None:
            continue
        target = label(f.related_model)
        if target == label(model) or target not in found:
            continue
        nullable, rest = found[target]
        candidate = (nullable + int(f.null), f.name if target == TERRITORY else f"{f.name}__{rest}")
        if best is None or (candidate[0], candidate[1].count("__")) < (best[0], best[1].count("__")):
            best = candidate
    return best


@cache
def territory_graph() -> tuple[Node, ...]:
    """Every exported model, parents before children (foreign keys point backwards, except the
    ``deferred`` ones)."""
    candidates = [m for m in project_models() if label(m) not in NOT_EXPORTED]
    found: dict[str, tuple[int, str]] = {TERRITORY: (0, "pk")}
    changed = True
    while changed:  # until no model finds a better path
        changed = False
        for model in candidates:
            if label(model) == TERRITORY:
                continue
            path = _territory_path(model, found)
            if path is not None and (label(model) not in found or
                                     (path[0], path[1].count("__")) < (found[label(model)][0],
                                                                      found[label(model)][1].count("__"))):
                found[label(model)] = path
                changed = True
    nodes = {name: Node(apps.get_model(name), path) for name, (_, path) in found.items()}
    for node in nodes.values():
        for f in node.model._meta.concrete_fields:
            if f.is_relation and f.related_model is not None:
                node.foreign_keys[f.name] = label(f.related_model)
    return tuple(_ordered(nodes))


def _ordered(nodes: dict[str, Node]) -> list[Node]:
    """Topological order on the foreign keys between exported models; a cycle is broken at a
    nullable foreign key, written once every row exists."""
    deps = {
        name: {(f, t) for f, t in node.foreign_keys.items() if t in nodes and t != name}
        for name, node in nodes.items()
    }
    # A (kind, id) column is written with its target's new id: its targets come first (an audit
    # event may name anything: the audit log comes last).
    for name, refs in GENERIC_REFERENCES.items():
        if name not in nodes:
            continue
        for ref in refs:
            targets = ref.targets() if ref.targets is not None else set(nodes)
            deps[name] |= {("", t) for t in targets if t in nodes and t != name}
    done: list[str] = []
    remaining = dict(deps)
    while remaining:
        ready = sorted(name for name, edges in remaining.items() if all(t in done for _, t in edges))
        if not ready:
            # Break the cycle: defer one nullable edge of the first stuck model.
            name = sorted(remaining)[0]
            for f, t in sorted(remaining[name]):
                if f and t not in done and nodes[name].model._meta.get_field(f).null:
                    nodes[name].deferred.add(f)
                    remaining[name] = remaining[name] - {(f, t)}
                    break
            else:
                raise RuntimeError(f"cannot order {name}: a cycle without a nullable foreign key")
            continue
        for name in ready:
            done.append(name)
            del remaining[name]
    return [nodes[name] for name in done]


def exported_labels() -> set[str]:
    return {node.label for node in territory_graph()}


def uncovered_models() -> list[str]:
    """Models of the project neither exported nor listed in ``NOT_EXPORTED``."""
    covered = exported_labels() | set(NOT_EXPORTED)
    return sorted(label(m) for m in project_models() if label(m) not in covered)
