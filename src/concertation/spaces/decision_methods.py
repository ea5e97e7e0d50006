"""The decision methods a charter may name. spaces sits below decisions: it keeps only each method's
key, label and how a charter sentence names it, registered by decisions at start-up
(decisions/apps.py) from its method registry. Choices and defaults are callables, so that adding a
method needs no migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.choices import CallableChoiceIterator


@dataclass(frozen=True)
class MethodEntry:
    key: str
    label: object                 # translatable (lazy) label
    phrase: object = None         # how a charter's sentence names it (« consensus »); the label otherwise
    thresholded: bool = False     # the charter's threshold and base say when it adopts


_METHODS: dict[str, MethodEntry] = {}
_DEFAULTS: dict[str, str] = {}


def register_method(entry: MethodEntry) -> None:
    _METHODS[entry.key] = entry


def unregister_method(key: str) -> None:
    _METHODS.pop(key, None)


def register_defaults(*, method: str, fallback: str) -> None:
    _DEFAULTS.update(method=method, fallback=fallback)


def method_choices() -> list[tuple[str, object]]:
    """(key, label) of every registered method, in the registry's order."""
    return [(entry.key, entry.label) for entry in _METHODS.values()]


def method_entry(key: str) -> MethodEntry | None:
    return _METHODS.get(key)


def default_method() -> str:
    return _DEFAULTS.get("method", "")


def default_fallback_method() -> str:
    return _DEFAULTS.get("fallback", "")


#: iterable of (key, label), read anew each time (``dict(METHOD_CHOICES)``)
METHOD_CHOICES = CallableChoiceIterator(method_choices)
