"""The receivers that keep the index inside every write's transaction (connected by apps.py)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from .index import reindex, unindex
from .indexers import BY_MODEL

# Set while a bulk write that rebuilds the index at its end runs (the demo, a territory's import):
# indexing each row on the way doubled their cost for an index thrown away by the rebuild.
PAUSED: ContextVar[bool] = ContextVar("search_index_paused", default=False)


@contextmanager
def paused():
    """Write without indexing each row; the caller rebuilds the territory's index at the end."""
    token = PAUSED.set(True)
    try:
        yield
    finally:
        PAUSED.reset(token)


def _saved(sender, instance, raw=False, **kwargs):
    if not raw and not PAUSED.get():
        reindex(instance)


def _deleted(sender, instance, **kwargs):
    if not PAUSED.get():
        unindex(instance)


def _coordinators_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A territory's coordinators sit in it: their names join (or leave) its people."""
    if PAUSED.get():
        return
    if action == "pre_clear" and not reverse:
        instance._search_coordinators = list(instance.coordinators.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # from the user's side
        reindex(instance)
        return
    ids = pk_set if action != "post_clear" else getattr(instance, "_search_coordinators", [])
    for person in get_user_model().objects.filter(pk__in=ids or []):
        reindex(person)


def connect() -> None:
    from concertation.directory.models import Territory

    for model in BY_MODEL:
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{model._meta.label}")
    m2m_changed.connect(_coordinators_changed, sender=Territory.coordinators.through,
                        dispatch_uid="search-territory-coordinators")
