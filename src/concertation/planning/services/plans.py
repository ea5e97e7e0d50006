"""Writes of the plan itself: create it as a draft, change its title, period or vision (a revision
once adopted), adopt it by a carried decision, archive it."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal

from ..models import Plan, Priority, Revision
from ..revisions import diff, label_of, record_revision, snapshot
from .checks import (
    Status,
    check_change,
    check_decision,
    check_not_archived,
    check_period,
    clean_title,
    locked_plan,
)


@transaction.atomic
def plan_create(*, space, title: str, starts_on: date, ends_on: date, vision: str = "", by=None) -> Plan:
    """A new plan, as a draft: committees draft it, an assembly adopts it."""
    title = clean_title(title)
    if not starts_on:
        raise DomainError(_("Indiquez le début de la période du plan."), field="starts_on")
    if not ends_on:
        raise DomainError(_("Indiquez la fin de la période du plan."), field="ends_on")
    check_period(starts_on, ends_on, strict=True)
    return Plan.objects.create(space=space, title=title, starts_on=starts_on, ends_on=ends_on,
                               vision=(vision or "").strip())


@transaction.atomic
def plan_update(*, plan: Plan, by=None, reason: str = "", decision: Proposal | None = None,
                now: datetime | None = None, **fields) -> Plan:
    """Change the title, period or vision; on an adopted plan, a revision of kind "plan"."""
    allowed = {"title", "starts_on", "ends_on", "vision"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"plan_update: unknown fields {sorted(unknown)}")
    locked = locked_plan(plan.pk)
    check_not_archived(locked)
    if "title" in fields:
        fields["title"] = clean_title(fields["title"])
    if "vision" in fields:
        fields["vision"] = (fields["vision"] or "").strip()
    for name in ("starts_on", "ends_on"):
        if name in fields and not fields[name]:
            raise DomainError(_("Indiquez les dates de la période du plan."), field=name)
    before = snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    check_period(locked.starts_on, locked.ends_on, strict=True)
    after = snapshot(locked)
    if not diff(before, after):
        return locked
    reason = check_change(plan=locked, kind="plan", reason=reason, decision=decision)
    locked.save()
    if locked.status == Status.ADOPTED:
        record_revision(plan=locked, item_type="plan", item_id=locked.pk, item_label=label_of(locked),
                        action=Revision.Action.EDIT, before=before, after=after, reason=reason, decision=decision,
                        by=by, at=now)
    return locked


@transaction.atomic
def plan_adopt(*, plan: Plan, decision: Proposal, on: date | None = None, by=None) -> Plan:
    """Draft → adopted, by a carried decision of the space (or of a space above it)."""
    locked = locked_plan(plan.pk)
    if locked.status != Status.DRAFT:
        raise DomainError(_("Seul un plan en brouillon peut être adopté."))
    if decision is None:
        raise DomainError(_("Choisissez la décision qui adopte le plan."), field="decision")
    check_decision(locked, decision)
    if not Priority.objects.filter(plan=locked).exists():
        raise DomainError(_("Ajoutez au moins une priorité avant d'adopter le plan."))
    if on is None:
        on = timezone.localdate(decision.decided_at) if decision.decided_at else timezone.localdate()
    locked.status = Status.ADOPTED
    locked.adopted_on = on
    locked.adopted_by = decision
    locked.save(update_fields=["status", "adopted_on", "adopted_by", "updated_at"])
    return locked


@transaction.atomic
def plan_archive(*, plan: Plan, by=None) -> Plan:
    """The plan is over (or replaced): it stays readable, and no longer changes."""
    locked = locked_plan(plan.pk)
    check_not_archived(locked)
    locked.status = Status.ARCHIVED
    locked.save(update_fields=["status", "updated_at"])
    return locked
