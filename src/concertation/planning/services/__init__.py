"""Writes of the plan: the plan itself (plans.py), its items and the follow-up of activities
(items.py), its indicators (indicators.py) and their measurements (measurements.py), with the
checks they share (checks.py). Import them from here: ``services.item_add(...)``.

Rules:
- a draft plan changes freely: nothing is recorded;
- an adopted plan changes through revisions: every addition, edit, removal and move records a
  Revision (field-level diff, reason, who, when, decision); the reason is required, and so is the
  decision when the charter in force reserves that kind of change (``reserved_plan_changes``:
  priority, objective, strategy, activity, indicator_target);
- a decision that adopts a plan or authorises a change is a carried decision (status decided, not
  rejected, not without quorum) of the plan's space or of a space above it;
- an archived plan no longer changes;
- an activity's status is part of the plan: on an adopted plan, changing it is a revision like any
  other (activity_status_set goes through item_edit); its progress updates (news, percentage) are
  the follow-up of the plan, not revisions;
- a measurement is the follow-up of the plan; correcting or deleting one is a revision of kind
  "measurement" that needs a reason and no decision.

The charter in force is the space's, or else that of the nearest space above it (a working group
follows its assembly's charter). Every function is atomic and locks the plan's row, so two people
reordering the same plan at once cannot interleave.
"""

from .checks import check_change, check_decision
from .indicators import indicator_add, indicator_edit, indicator_remove, indicator_target_edit
from .items import (
    activity_add,
    activity_edit,
    activity_move,
    activity_remove,
    activity_status_set,
    item_add,
    item_edit,
    item_move,
    item_remove,
    objective_add,
    objective_edit,
    objective_move,
    objective_remove,
    priority_add,
    priority_edit,
    priority_move,
    priority_remove,
    progress_add,
    strategy_add,
    strategy_edit,
    strategy_move,
    strategy_remove,
)
from .measurements import (
    check_measurement,
    duplicate_message,
    measurement_add,
    measurement_correct,
    measurement_delete,
    measurement_label,
)
from .plans import plan_adopt, plan_archive, plan_create, plan_update

__all__ = [
    "activity_add", "activity_edit", "activity_move", "activity_remove", "activity_status_set",
    "check_change", "check_decision", "check_measurement", "duplicate_message",
    "indicator_add", "indicator_edit", "indicator_remove", "indicator_target_edit",
    "item_add", "item_edit", "item_move", "item_remove",
    "measurement_add", "measurement_correct", "measurement_delete", "measurement_label",
    "objective_add", "objective_edit", "objective_move", "objective_remove",
    "plan_adopt", "plan_archive", "plan_create", "plan_update",
    "priority_add", "priority_edit", "priority_move", "priority_remove", "progress_add",
    "strategy_add", "strategy_edit", "strategy_move", "strategy_remove",
]
