"""The receivers that keep the index inside every write's transaction (connected by apps.py)."""

from django.db.models.signals import post_delete, post_save

from .index import reindex, unindex
from .indexers import BY_MODEL


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(instance)


def _deleted(sender, instance, **kwargs):
    unindex(instance)


def connect() -> None:
    for model in BY_MODEL:
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{model._meta.label}")
