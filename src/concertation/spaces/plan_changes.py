"""The changes of an adopted plan a charter may reserve to a decision. spaces sits below planning:
planning registers its kinds of change (and which are reserved by default) from its apps.py, so a
charter names them without spaces knowing what a plan is made of."""

from __future__ import annotations

_KINDS: dict[str, object] = {}  # key → translatable label, in registration order
_DEFAULT: list[str] = []


def register_plan_change_kinds(kinds: dict[str, object], *, reserved_by_default: list[str]) -> None:
    _KINDS.update(kinds)
    _DEFAULT[:] = [key for key in reserved_by_default if key in _KINDS]


def plan_change_choices() -> list[tuple[str, object]]:
    return list(_KINDS.items())


def reserved_by_default() -> list[str]:
    return list(_DEFAULT)
