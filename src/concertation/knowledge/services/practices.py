"""Writes of the practice sheets: create, change, publish, unpublish, delete (audit rows for the
last three). Permissions are checked by the views (rules_practices); these functions check the
sheet's state and keep its fields consistent."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError

from ..models.practices import SECTIONS, TAG_SEPARATOR, PracticeSheet
from ..practice_activities import link_activity
from .discussions import comments_delete_for

KEEP = object()  # sheet_update: leave the tags or the linked activity as they are
MAX_TAGS = 12
MAX_TAG_LENGTH = 40
EDITABLE = ("title", *(name for name, _label in SECTIONS), "contact_name", "contact_email", "contact_phone",
            "audience", "space")


def normalize_tags(text: str) -> str:
    """« Logement,  droits des  locataires, logement » → « |logement|droits des locataires| »:
    lower case, spaces collapsed, no separator inside, no repeat, at most MAX_TAGS."""
    tags: list[str] = []
    for raw in re.split(r"[,;\n]", text or ""):
        tag = " ".join(raw.replace(TAG_SEPARATOR, " ").split()).lower()[:MAX_TAG_LENGTH].strip()
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise DomainError(_("Une fiche porte au plus %(count)s mots-clés.") % {"count": MAX_TAGS}, field="tags")
    return f"{TAG_SEPARATOR}{TAG_SEPARATOR.join(tags)}{TAG_SEPARATOR}" if tags else ""


def _check_space(territory, space) -> None:
    if space is not None and space.territory_id != territory.pk:
        raise DomainError(_("Choisissez un espace de ce territoire."), field="space")


@transaction.atomic
def sheet_create(*, territory, by, data: dict, tags: str = "", activity_id=None) -> PracticeSheet:
    """A new draft of ``by`` in the territory."""
    fields = {name: data[name] for name in EDITABLE if name in data}
    _check_space(territory, fields.get("space"))
    sheet = PracticeSheet(territory=territory, author=by, tags=normalize_tags(tags), **fields)
    sheet.full_clean(exclude=["territory", "author", "space"])
    sheet.save()
    if activity_id is not None and activity_id is not KEEP:
        link_activity(sheet, activity_id)
    return sheet


@transaction.atomic
def sheet_update(*, sheet: PracticeSheet, by, data: dict, tags=KEEP, activity_id=KEEP) -> PracticeSheet:
    """Change the fields in ``data``; ``tags`` (text typed by the person) and ``activity_id`` (None:
    no activity) when given."""
    fields = {name: data[name] for name in EDITABLE if name in data}
    _check_space(sheet.territory, fields.get("space"))
    audience_before = sheet.audience
    for name, value in fields.items():
        setattr(sheet, name, value)
    if tags is not KEEP:
        sheet.tags = normalize_tags(tags)
    sheet.save()
    if activity_id is not KEEP:
        link_activity(sheet, activity_id)
    if sheet.is_published and sheet.audience != audience_before:
        # Who may read a published sheet changed: the log keeps it like a publication.
        audit.record(action="practice_sheet.published", actor=by, target=sheet, sheet_audience=sheet.audience)
    return sheet


@transaction.atomic
def sheet_publish(*, sheet: PracticeSheet, by, audience: str | None = None) -> PracticeSheet:
    if sheet.is_published:
        raise DomainError(_("Cette fiche est déjà publiée."))
    if audience is not None:
        if audience not in PracticeSheet.Audience.values:
            raise DomainError(_("Choisissez pour qui publier la fiche."), field="audience")
        sheet.audience = audience
    sheet.status = PracticeSheet.Status.PUBLISHED
    sheet.published_at = timezone.now()
    sheet.save(update_fields=["status", "audience", "published_at", "updated_at"])
    audit.record(action="practice_sheet.published", actor=by, target=sheet, sheet_audience=sheet.audience)
    return sheet


@transaction.atomic
def sheet_unpublish(*, sheet: PracticeSheet, by) -> PracticeSheet:
    if not sheet.is_published:
        raise DomainError(_("Cette fiche n'est pas publiée."))
    sheet.status = PracticeSheet.Status.DRAFT
    sheet.published_at = None
    sheet.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(action="practice_sheet.unpublished", actor=by, target=sheet)
    return sheet


@transaction.atomic
def sheet_delete(*, sheet: PracticeSheet, by) -> None:
    audit.record(action="practice_sheet.deleted", actor=by, target=sheet, sheet_audience=sheet.audience)
    comments_delete_for("practice_sheet", [sheet.pk])
    sheet.delete()
