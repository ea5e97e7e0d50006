"""What planning holds about a person, for her data export (accounts/personal_data.py; Law 25): the
measurements she recorded, the progress notes she wrote and the revisions of a plan she made.
Activities and indicators are led by organizations, not by people: none is hers to export."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from concertation.accounts import personal_data

from .models import Measurement, ProgressUpdate, Revision


def _measurements(user):
    return (Measurement.objects.filter(recorded_by=user).order_by("created_at", "pk")
            .values("created_at", "date", "value", "note", indicator_name=F("indicator__name"),
                    unit=F("indicator__unit"), plan_title=F("indicator__plan__title")))


def _updates(user):
    return (ProgressUpdate.objects.filter(author=user).order_by("created_at", "pk")
            .values("created_at", "date", "text", "percent", activity_title=F("activity__title")))


def _revisions(user):
    return (Revision.objects.filter(author=user).order_by("made_at", "pk")
            .values("made_at", "item_type", "item_label", "action", "reason", plan_title=F("plan__title")))


def register() -> None:
    personal_data.register("planning.measurements", label=_("Les mesures que vous avez inscrites"), rows=_measurements,
                           note=_("Les actions du plan sont portées par des organismes, pas par des personnes."))
    personal_data.register("planning.progress_updates", label=_("Vos notes d'avancement"), rows=_updates)
    personal_data.register("planning.revisions", label=_("Les ajustements du plan que vous avez faits"),
                           rows=_revisions)
