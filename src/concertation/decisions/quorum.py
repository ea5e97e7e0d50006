"""Quorum as the charter defines it, computed from counts (pure: meetings reuse it with attendance)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class QuorumResult:
    met: bool
    present: int
    eligible: int
    required: int
    kind: str
    missing_colleges: list[tuple[str, int, int]] = field(default_factory=list)  # (slug, present, minimum)

    def as_dict(self) -> dict:
        return {
            "met": self.met, "present": self.present, "eligible": self.eligible, "required": self.required,
            "kind": self.kind, "missing_colleges": [list(item) for item in self.missing_colleges],
        }


def required_count(kind: str, eligible: int, *, count: int | None = None, share_percent: int | None = None) -> int:
    if kind == "none":
        return 0
    if kind == "count":
        return int(count or 0)
    if kind == "share":
        # Exact integer arithmetic: the smallest n with n / eligible ≥ percent / 100.
        return math.ceil(eligible * int(share_percent or 0) / 100) if eligible else 0
    return eligible // 2 + 1  # "majority": 50 % + 1


def compute_quorum(*, kind: str, count: int | None, share_percent: int | None, college_minimums: dict,
                   eligible: int, present_by_college: Counter) -> QuorumResult:
    present = sum(present_by_college.values())
    required = required_count(kind, eligible, count=count, share_percent=share_percent)
    missing = []
    if kind != "none":
        for slug, minimum in sorted((college_minimums or {}).items()):
            if minimum and present_by_college.get(slug, 0) < minimum:
                missing.append((slug, present_by_college.get(slug, 0), minimum))
    met = present >= required and not missing
    return QuorumResult(met=met, present=present, eligible=eligible, required=required, kind=kind,
                        missing_colleges=missing)
