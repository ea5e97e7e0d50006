"""What the directory holds about a person, for her data export (accounts/personal_data.py): her
affiliations to organizations and the territories she coordinates."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from concertation.accounts import personal_data

from .models import Affiliation, Territory


def _affiliations(user):
    return (Affiliation.objects.filter(person=user).order_by("start", "pk")
            .values("title", "start", "end", organization_name=F("organization__name")))


def _coordinated(user):
    return Territory.objects.filter(coordinators=user).order_by("name").values("name", "slug")


def register() -> None:
    personal_data.register("directory.affiliations", label=_("Vos liens avec des organismes"), rows=_affiliations)
    personal_data.register("directory.coordination", label=_("Les territoires que vous coordonnez"), rows=_coordinated)
