"""A notification's context in JSON: plain values as they are, dates and datetimes tagged, model
instances as their label and pk, reloaded at render (one query per model for a whole list)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime

MODEL, DATETIME, DATE, DECIMAL = "__model__", "__datetime__", "__date__", "__decimal__"


class Deleted:
    """An object of the context deleted since: renders « (supprimé) »."""

    def __str__(self):
        from django.utils.translation import gettext

        return gettext("(supprimé)")

    def __bool__(self):
        return False


def dump(value):
    if isinstance(value, models.Model):
        return {MODEL: value._meta.label_lower, "pk": value.pk}
    if isinstance(value, datetime.datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, datetime.date):
        return {DATE: value.isoformat()}
    if isinstance(value, Decimal):
        return {DECIMAL: str(value)}
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [dump(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # a lazy translation, a UUID…: its text


def _refs(value, found):
    if isinstance(value, dict):
        if MODEL in value:
            found[value[MODEL]].add(value["pk"])
        else:
            for v in value.values():
                _refs(v, found)
    elif isinstance(value, list):
        for v in value:
            _refs(v, found)


def _load(value, objects):
    if isinstance(value, dict):
        if MODEL in value:
            return objects.get(value[MODEL], {}).get(value["pk"], Deleted())
        if DATETIME in value:
            return parse_datetime(value[DATETIME])
        if DATE in value:
            return parse_date(value[DATE])
        if DECIMAL in value:
            return Decimal(value[DECIMAL])
        return {k: _load(v, objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_load(v, objects) for v in value]
    return value


def load_objects(contexts) -> dict[str, dict]:
    """The instances named by these contexts, one query per model."""
    found: dict[str, set] = defaultdict(set)
    for context in contexts:
        _refs(context, found)
    objects = {}
    for label, pks in found.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            objects[label] = {}
            continue
        objects[label] = model._default_manager.in_bulk(pks)
    return objects


def restore(context: dict, objects: dict | None = None) -> dict:
    if objects is None:
        objects = load_objects([context])
    return _load(context or {}, objects)


def has_deleted(context: dict) -> bool:
    return any(isinstance(v, Deleted) for v in _walk(context))


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value
