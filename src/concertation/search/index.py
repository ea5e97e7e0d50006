"""Keeping the index: one object at a time inside the writing transaction, or all at once.

``reindex(obj)`` writes (or removes) the object's entry, then its dependents' (a meeting's items
and minutes) and the comments made on it (their visibility is the target's, copied). It runs from
``post_save``/``post_delete`` receivers (signals.py), so every service's write, in its transaction,
keeps the index: a rollback takes the entry back with it. ``rebuild(territory)`` walks every
indexer's queryset (the command ``search_rebuild``, the demo loader).
"""

from __future__ import annotations

from dataclasses import asdict
from functools import partial

from django.db import transaction

from .engines import engine
from .indexers import BY_MODEL, INDEXERS, Doc
from .models import Entry

FIELDS = ("territory_id", "space_id", "date", "title", "body", "url", "audience", "author_id",
          "parent_kind", "parent_id")


# What an object's dependents (a meeting's items and minutes) and comments take from it.
FOLLOWED = ("space_id", "date", "title", "url", "audience", "author_id")


def _followed(entry) -> tuple:
    return tuple(getattr(entry, name) for name in FOLLOWED)


def _indexer(obj):
    return BY_MODEL.get(type(obj))


def _write(docs: list[Doc]) -> list[Entry]:
    """Insert or update the entries of ``docs`` (by kind and object id), then their full text."""
    if not docs:
        return []
    existing = {}
    for kind in {doc.kind for doc in docs}:
        ids = [doc.object_id for doc in docs if doc.kind == kind]
        for start in range(0, len(ids), 500):
            for entry in Entry.objects.filter(kind=kind, object_id__in=ids[start:start + 500]):
                existing[(entry.kind, entry.object_id, entry.territory_id)] = entry
    new, changed = [], []
    for doc in docs:
        values = asdict(doc)
        values["title"] = values["title"][:300]
        entry = existing.get((doc.kind, doc.object_id, doc.territory_id))
        if entry is None:
            new.append(Entry(**values))
        else:
            for name in FIELDS:
                setattr(entry, name, values[name])
            changed.append(entry)
    Entry.objects.bulk_create(new, batch_size=500)
    if changed:
        Entry.objects.bulk_update(changed, FIELDS, batch_size=500)
    if engine().vendor == "sqlite" and any(entry.pk is None for entry in new):
        # Older SQLite builds return no ids from bulk_create: read them back.
        found = {(e.kind, e.object_id, e.territory_id): e.pk for e in Entry.objects.filter(
            kind__in={e.kind for e in new}, object_id__in=[e.object_id for e in new])}
        for entry in new:
            entry.pk = found.get((entry.kind, entry.object_id, entry.territory_id))
    entries = new + changed
    engine().write((entry.pk, entry.title, entry.body) for entry in entries)
    return entries


def _follow_comments(kind: str, object_id: int, entry: Entry | None) -> None:
    """The comments on an object see what their target sees (and go with it): rebuilt from the
    target's new entry (rare: only when what they copy changed)."""
    from concertation.knowledge.models import Comment

    if entry is None:
        Entry.objects.filter(kind="comment", parent_kind=kind, parent_id=object_id).delete()
        return
    for comment in Comment.objects.filter(target_kind=kind, target_id=object_id):
        reindex(comment)


def _docs(built) -> list[Doc]:
    if built is None:
        return []
    return list(built) if isinstance(built, list) else [built]


def reindex(obj) -> None:
    indexer = _indexer(obj)
    if indexer is None:
        return
    docs = _docs(indexer.build(obj))
    before = None
    if indexer.kinds:
        keep = {(doc.kind, doc.territory_id) for doc in docs}
        current = list(Entry.objects.filter(kind__in=indexer.kinds, object_id=obj.pk).only(
            "kind", "territory_id", *FOLLOWED))
        stale = [entry.pk for entry in current if (entry.kind, entry.territory_id) not in keep]
        if stale:
            Entry.objects.filter(pk__in=stale).delete()
        before = next((_followed(entry) for entry in current if entry.pk not in stale), None)
    written = _write(docs)
    entry = written[0] if written else None
    if before is not None and entry is not None and _followed(entry) == before:
        return  # what its comments and dependents copy or show did not change
    if indexer.discussion:
        _follow_comments(indexer.discussion, obj.pk, entry)
    for dependent in indexer.dependents(obj):
        reindex(dependent)


def unindex(obj) -> None:
    indexer = _indexer(obj)
    if indexer is None:
        return
    if indexer.kinds:
        Entry.objects.filter(kind__in=indexer.kinds, object_id=obj.pk).delete()
    if indexer.discussion:
        _follow_comments(indexer.discussion, obj.pk, None)
    if not indexer.kinds:  # a document's version, a membership: the document's, the person's entry changes
        for dependent in indexer.dependents(obj):
            reindex(dependent)


def rebuild(territory_id: int | None = None, *, progress=None) -> int:
    """Rebuild the index of one territory (or of all): the same entries as the incremental upkeep."""
    total = 0
    with transaction.atomic():
        stale = Entry.objects.all() if territory_id is None else Entry.objects.filter(territory_id=territory_id)
        stale.delete()
        for indexer in INDEXERS:  # comments last: they read their target's entry
            if not indexer.kinds:
                continue
            build = indexer.build
            if indexer.kinds == ("comment",):
                parents = {(e.kind, e.object_id): e for e in Entry.objects.exclude(kind__in=("comment", "person")).only(
                    "kind", "object_id", "space_id", "title", "url", "audience", "author_id")}
                build = partial(indexer.build, parents=parents)
            batch: list[Doc] = []
            for obj in indexer.queryset(territory_id).iterator(chunk_size=500):
                batch.extend(doc for doc in _docs(build(obj))
                             if territory_id is None or doc.territory_id == territory_id)
                if len(batch) >= 500:
                    total += len(_write(batch))
                    batch = []
                    if progress:
                        progress(total)
            total += len(_write(batch))
            if progress:
                progress(total)
    return total
