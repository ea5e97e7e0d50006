"""Governance-health metrics (issue 18): the mirror of shared leadership a group holds up to itself.

One module a family of metrics, each with ``compute(ctx) -> {"current": FamilyResult, "previous":
FamilyResult}`` in a fixed number of queries; ``compute_all`` runs them all for a scope and a period
(and the previous period of the same length). Formulas and their reasons: docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import (
    activities,
    agenda,
    attendance,
    evaluations,
    followups,
    leadership,
    participation,
    practices,
    rotation,
)
from .base import Breakdown, FamilyResult, Measure, Period, Scope, Window
from .context import MetricsContext

__all__ = ["FAMILIES", "Breakdown", "Family", "FamilyResult", "Measure", "Period", "Scope", "Window", "compute_all"]

# In the order of the page.
FAMILIES = (leadership, rotation, activities, agenda, attendance, participation, followups, evaluations, practices)


@dataclass
class Family:
    key: str
    current: FamilyResult
    previous: FamilyResult


def compute_all(scope: Scope, period: Period, families=FAMILIES) -> tuple[Window, list[Family]]:
    window = Window.of(period)
    ctx = MetricsContext(scope, window)
    computed = []
    for module in families:
        results = module.compute(ctx)
        computed.append(Family(module.KEY, results["current"], results["previous"]))
    return window, computed
