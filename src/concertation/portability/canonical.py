"""The canonical dump of a territory: its objects as sorted JSON, with every primary key (and every
id inside a column) replaced by a natural key, so that a territory before an export and after its
import compare equal though every id changed.

A row's natural key is a digest of its own values and of its targets' natural keys (JSON columns
and files left out, so that a proposal's key does not depend on its options'); a person's is
their e-mail; a file is its content's SHA-256 (restored files must be byte-identical).
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage

from .archive import PERSON_FIELDS, territory_rows
from .graph import PEOPLE, territory_graph
from .rows import MISSING, Context, is_file, is_json, translate


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:20]


def _file_digest(name: str) -> str:
    with default_storage.open(name, "rb") as content:
        return "sha256:" + hashlib.file_digest(content, "sha256").hexdigest()


def canonical_dump(territory) -> dict:
    """``{label: [row, …] sorted by natural key, "people": [...]}``; no primary key in it."""
    data = territory_rows(territory)
    keys: dict[str, dict] = {}
    users = get_user_model()._base_manager.values_list("pk", "email")
    keys[PEOPLE] = {pk: f"person:{email}" for pk, email in users}

    def resolve(label, value):
        return keys.get(label, {}).get(value, MISSING)

    ctx = Context(resolve=resolve)
    options: dict = {}
    for row in data.get("decisions.Option", []):
        options.setdefault(row["fields"]["proposal"], set()).add(str(row["pk"]))
    for node in territory_graph():
        own = keys.setdefault(node.label, {})
        skipped = {f.name for f in node.model._meta.concrete_fields if is_json(f) or is_file(f)} | node.deferred
        seen: dict[str, int] = {}
        for row in data[node.label]:
            fields = translate(node, row, ctx, late=False)
            base = f"{node.label}:{_digest({k: v for k, v in fields.items() if k not in skipped})}"
            seen[base] = seen.get(base, 0) + 1
            own[row["pk"]] = f"{base}#{seen[base]}"
    ctx.options_of = options
    dump: dict[str, list] = {}
    named: set[int] = set()
    for node in territory_graph():
        files = [f.name for f in node.model._meta.concrete_fields if is_file(f)]
        people = [name for name, target in node.foreign_keys.items() if target == PEOPLE]
        rows = []
        for row in data[node.label]:
            fields = translate(node, row, ctx)
            for name in files:
                fields[name] = _file_digest(fields[name]) if fields[name] else ""
            named.update(row["fields"][name] for name in people if row["fields"].get(name) is not None)
            rows.append({"key": keys[node.label][row["pk"]], **fields})
        dump[node.label] = sorted(rows, key=lambda r: r["key"])
    fields = [f for f in PERSON_FIELDS if f != "date_joined"]
    dump["people"] = sorted(
        (dict(zip(fields, values, strict=True))
         for values in get_user_model()._base_manager.filter(pk__in=named).values_list(*fields)),
        key=lambda person: person["email"],
    )
    return json.loads(json.dumps(dump, sort_keys=True, default=str))
