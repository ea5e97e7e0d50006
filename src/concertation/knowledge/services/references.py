"""Writes of the references: add, change, delete, move within its group.

Who may call these is the view's check (``knowledge.change_reference``); the rules of the data are
checked here: every field through the model's validation (a link is a web address, never
``javascript:``), positions kept dense within a territory's (or the instance's) group.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError

from ..models.references import Reference

FIELDS = ("group", "kind", "title", "authors", "year", "publisher", "note", "url", "pages", "language")


def _check(reference: Reference) -> None:
    try:
        reference.full_clean(exclude=["position"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from error


def _siblings(reference: Reference):
    """The references the position counts among: same owner (territory or instance), same group."""
    return Reference.objects.filter(territory_id=reference.territory_id, group=reference.group)


def _last_position(reference: Reference) -> int:
    return (_siblings(reference).exclude(pk=reference.pk).aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def reference_add(*, territory, by, **fields) -> Reference:
    """A reference of ``territory`` (None: of the instance), placed last in its group."""
    reference = Reference(territory=territory, **{name: fields[name] for name in FIELDS if name in fields})
    _normalize(reference)
    _check(reference)
    reference.position = _last_position(reference)
    reference.save(force_insert=True)
    audit.record(action="reference.added", actor=by, target=reference, reference_group=reference.group)
    return reference


@transaction.atomic
def reference_update(*, reference: Reference, by, **fields) -> Reference:
    reference = Reference.objects.select_for_update().get(pk=reference.pk)
    before = {name: getattr(reference, name) for name in FIELDS}
    for name in FIELDS:
        if name in fields:
            setattr(reference, name, fields[name])
    _normalize(reference)
    _check(reference)
    changed = [name for name in FIELDS if getattr(reference, name) != before[name]]
    if not changed:
        return reference
    if "group" in changed:
        reference.position = _last_position(reference)
    reference.save()
    audit.record(action="reference.changed", actor=by, target=reference, reference_fields=changed)
    return reference


@transaction.atomic
def reference_delete(*, reference: Reference, by) -> None:
    audit.record(action="reference.deleted", actor=by, target=reference, reference_group=reference.group)
    reference.delete()


@transaction.atomic
def reference_move(*, reference: Reference, by, direction: str) -> Reference:
    """One step up or down among its group's references of the same owner (positions renumbered 1…n)."""
    if direction not in ("up", "down"):
        raise DomainError(_("Choisissez de monter ou de descendre le repère."))
    siblings = list(_siblings(reference).select_for_update().order_by("position", "pk"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == reference.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        return reference  # already first or last: nothing to do
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
    Reference.objects.bulk_update(siblings, ["position"])
    audit.record(action="reference.moved", actor=by, target=reference, reference_group=reference.group)
    return next(sibling for sibling in siblings if sibling.pk == reference.pk)


def _normalize(reference: Reference) -> None:
    """Single-line fields without surrounding spaces; the link without spaces around it."""
    for name in ("title", "authors", "publisher", "pages", "url"):
        setattr(reference, name, (getattr(reference, name) or "").strip())
    reference.note = (reference.note or "").strip()
