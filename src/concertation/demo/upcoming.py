"""The demo's next meeting: the assembly of next week (a Thursday, 4 to 10 days after the day the
demo is loaded), convened twelve days before it, with the answers (RSVPs) of part of its members.

Its agenda adopts the plenary's minutes (they circulate), rolls the open follow-ups forward and
returns to the proposal now open online. The demo citizen has not answered yet: she may try it.
Convening here writes the notice's answer records without queueing e-mails (the demo's people
are fictional).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from concertation.demo.documents import document_bytes
from concertation.demo.loader import (
    ACCOUNT_EMAILS,
    ARRONDISSEMENT,
    ASSEMBLY,
    FACILITATION,
    GILLES,
    MEETING_ACCESSIBILITY,
    MEETING_ADDRESS_CEP,
    ROSA,
    DemoContext,
    _delegate_email,
    _demo_proposals,
)

NEXT_MEETING_DAY = date(2026, 2, 26)  # a Thursday of the week after the story's week
NEXT_MEETING_CONVENED = date(2026, 2, 14)
NEXT_MEETING_TITLE = "Assemblée des partenaires : suivi du plan et appel de projets en logement"


@dataclass(frozen=True)
class Answer:
    email: str
    answer: str  # yes, no, maybe
    childcare: int = 0
    diet: str = ""
    interpretation: str = ""


# The demo delegate has answered yes; the demo citizen (AMINA) has not answered.
ANSWERS = (
    Answer(ACCOUNT_EMAILS["coordinator"], "yes"),
    Answer(FACILITATION, "yes"),
    Answer(ACCOUNT_EMAILS["delegate"], "yes", childcare=2),
    Answer(_delegate_email("ceph"), "yes"),
    Answer(_delegate_email("marmite"), "yes", diet="Végétarien"),
    Answer(_delegate_email("panier"), "yes"),
    Answer(_delegate_email("clsc"), "yes"),
    Answer(_delegate_email("passerelle"), "yes", interpretation="arabe"),
    Answer(_delegate_email("hdq"), "maybe"),
    Answer(_delegate_email("mah"), "no"),
    Answer(_delegate_email("cssr"), "no"),
    Answer(GILLES, "yes"),
    Answer(ROSA, "maybe", childcare=1, interpretation="espagnol"),
)

ITEMS = (
    ("Suivi du plan de quartier {plan} : tableau de bord et mesures du trimestre", "information", 25,
     ACCOUNT_EMAILS["coordinator"], "", "", ""),
    ("Appel de projets en logement (25 000 $)", "consultation", 30, FACILITATION, "clpah",
     "Les commentaires de l'Assemblée sur le projet d'appel.", "housing"),
    ("Mémoire au budget participatif : résultat du vote en ligne", "information", 10, "", "", "", "open"),
)
HOUSING_CALL = ("Appel de projets en logement (projet)", "appel-de-projets-logement.pdf", (
    "Enveloppe : 25 000 $ réservés par le Comité de coordination le {2025-10-07}.",
    "Projets admissibles : repérage de sites, études de faisabilité et mobilisation des locataires pour le "
    "logement social et communautaire.",
    "Dépôt des projets : au plus tard six semaines après le lancement de l'appel.",
))


def build_next_meeting(ctx: DemoContext) -> None:
    from concertation.meetings.models import Meeting, Rsvp
    from concertation.meetings.selectors import notice_recipients
    from concertation.meetings.services import agenda as services_agenda

    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    space = ctx.space(ASSEMBLY)
    proposals = _demo_proposals(ctx)
    meeting = services_agenda.meeting_create(
        space=space, by=coordinator, title=ctx.t(NEXT_MEETING_TITLE),
        starts_at=ctx.at(NEXT_MEETING_DAY, 18, 30), ends_at=ctx.at(NEXT_MEETING_DAY, 21, 0), kind="regular",
        address=f"{MEETING_ADDRESS_CEP}, {ARRONDISSEMENT}", room="Grande salle", accessibility=MEETING_ACCESSIBILITY,
        childcare=True, transit_tickets=True, interpretation=True, interpretation_languages="arabe, espagnol",
        meal="Repas partagé", facilitator=ctx.person(FACILITATION), secretary=ctx.person(_delegate_email("ceph")),
    )
    for title, kind, minutes, presenter, organization, outcome, link in ITEMS:
        item = services_agenda.item_add(
            meeting=meeting, by=coordinator, kind=kind, title=ctx.t(title), minutes_allotted=minutes,
            expected_outcome=ctx.t(outcome), proposal=proposals.get(link) if link == "open" else None,
            presenter=ctx.person(presenter) if presenter else None,
            presenter_organization=ctx.organization(organization) if organization else None,
        )
        if link == "housing":
            name, filename, paragraphs = HOUSING_CALL
            content = document_bytes(filename, ctx.t(name), [ctx.t(text) for text in paragraphs])
            services_agenda.item_document_add(item=item, by=coordinator, title=ctx.t(name),
                                              file=ContentFile(content, name=filename))

    # Convened: each member has an answer record (as meeting_convene makes them), no e-mail queued.
    convened_at = ctx.at(NEXT_MEETING_CONVENED, 10, 0)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CONVENED, convened_at=convened_at)
    now = timezone.now()
    answers = {answer.email: answer for answer in ANSWERS}
    rows = []
    for n, person in enumerate(notice_recipients(meeting)):
        answer = answers.get(person.email)
        rsvp = Rsvp(meeting=meeting, person=person)
        if answer is not None:
            rsvp.answer, rsvp.childcare, rsvp.diet = answer.answer, answer.childcare, answer.diet
            rsvp.interpretation = answer.interpretation
            rsvp.answered_at = min(convened_at + timedelta(hours=5 + 7 * n), now - timedelta(minutes=30))
        rows.append(rsvp)
    Rsvp.objects.bulk_create(rows)
