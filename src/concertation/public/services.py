"""The one write of the public window: a territory's coordinators turn its public pages on or off."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError
from concertation.directory.models import Territory

ACTION = "territory.public_pages"


@transaction.atomic
def public_pages_set(*, territory: Territory, enabled: bool, by) -> Territory:
    """Turn the window on or off; an audit row when it changes (nothing when it stays as it was)."""
    if not by.has_perm("public.change_public_pages", territory):
        raise DomainError(_("Seule la coordination du territoire peut publier ses pages publiques."))
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    if territory.public_pages == bool(enabled):
        return territory
    territory.public_pages = bool(enabled)
    territory.save(update_fields=["public_pages", "updated_at"])
    audit.record(action=ACTION, actor=by, target=territory, territory_id=territory.pk,
                 target_label=territory.name, public_pages=territory.public_pages)
    return territory
