"""What decisions hold about a person, for her data export (accounts/personal_data.py; Law 25): the
proposals she wrote, her ballots where the vote is not secret, every vote she took part in, and her
declared conflicts of interest.

A secret vote's choice never leaves: for a secret vote the export says only that she voted (the
participation, as the receipt proves it), never the ballot — neither its content nor its receipt,
even while the vote is open and the ballot still knows its voter (decisions/secrecy.py seals it at
closing)."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concertation.accounts import personal_data

from .models import Ballot, Participation, Proposal, Recusal


def _proposals(user):
    return (Proposal.objects.filter(author=user).order_by("created_at", "pk")
            .values("created_at", "title", "body", "status", "anonymous", "closed_at", space_name=F("space__name")))


def _ballots(user):
    # Her own ballot, or the one she cast for her organization; never a secret vote's.
    return (Ballot.objects.filter(Q(person=user) | Q(cast_by=user), proposal__anonymous=False)
            .order_by("cast_at", "pk")
            .values("cast_at", "round", "value", "reason", "receipt", proposal_title=F("proposal__title"),
                    organization_name=F("organization__name")))


def _participations(user):
    return (Participation.objects.filter(person=user).order_by("first_cast_at", "pk")
            .values("first_cast_at", "round", proposal_title=F("proposal__title"),
                    secret=F("proposal__anonymous"), organization_name=F("organization__name")))


def _recusals(user):
    return (Recusal.objects.filter(person=user).order_by("created_at", "pk")
            .values("created_at", "reason", proposal_title=F("proposal__title")))


def register() -> None:
    personal_data.register("decisions.proposals", label=_("Les propositions que vous avez rédigées"), rows=_proposals)
    personal_data.register(
        "decisions.ballots", label=_("Vos votes (votes publics)"), rows=_ballots,
        note=_("Le contenu d'un vote secret n'est jamais exporté : rien ne relie un bulletin secret à vous."))
    personal_data.register(
        "decisions.participations", label=_("Les votes auxquels vous avez pris part"), rows=_participations,
        note=_("Pour un vote secret, seulement le fait d'avoir voté."))
    personal_data.register("decisions.recusals", label=_("Vos retraits pour conflit d'intérêts"), rows=_recusals)
