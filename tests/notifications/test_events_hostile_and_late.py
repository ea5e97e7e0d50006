"""Hostile input in the real events' contexts (a proposal's title, a decision's outcome, a follow-up,
an announcement): one-line subjects where a CR/LF cannot add a header, HTML parts where the
payloads stay text, plain-text parts with no markup of ours, and the centre escaped once. And a reminder that comes late (the vote closed) is not sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from concertation.decisions import services as decisions
from concertation.meetings.services import followups
from concertation.notifications.delivery import notification_email
from concertation.notifications.models import Notification
from concertation.spaces.announcements import announcement_send
from tests.notifications.test_events_grid import cast  # noqa: F401 — the grid's people, as a fixture
from tests.security.payloads import XSS
from tests.security.test_hostile_input import dangerous_markup

pytestmark = pytest.mark.django_db
INJECTED = "Titre\r\nBcc: pirate@example.org\r\nX-Injected: 1\n"
HOSTILE = INJECTED + XSS["script"] + XSS["img_onerror"]


@pytest.fixture
def told_everything(world, cast):  # noqa: F811
    now = timezone.now()
    proposal = decisions.proposal_create(space=world.assembly, author=cast["citizen"], title=HOSTILE[:200])
    decisions.proposal_open(proposal=proposal, by=cast["delegate"], now=now - timedelta(hours=1),
                            closes_at=now + timedelta(hours=20))
    decisions.proposal_close(proposal=proposal)
    decisions.proposal_decide(proposal=proposal, by=cast["space_coordinator"], outcome=HOSTILE)
    followups.follow_up_create(space=world.assembly, what=HOSTILE[:200], person=cast["citizen"],
                               by=cast["space_coordinator"])
    announcement_send(space=world.assembly, by=world.coordinator, title=XSS["script"] + XSS["attr_double"],
                      body=HOSTILE + "\n\n" + XSS["md_link"] + XSS["js_link"])
    rows = list(Notification.objects.select_related("recipient").order_by("pk"))
    assert {row.event for row in rows} >= {"decisions.opened", "decisions.decided", "meetings.followup_assigned",
                                           "spaces.announcement"}
    return rows


def test_every_events_email_keeps_hostile_text_out_of_headers_and_markup(told_everything):
    for row in told_everything:
        message = notification_email(row)
        assert message is not None, row.event
        assert "\r" not in message.subject and "\n" not in message.subject, row.event
        raw = message.message().as_string()
        head = raw[:raw.index("\n\n")]
        assert "\nBcc:" not in head and "\nX-Injected" not in head, row.event
        html = message.alternatives[0][0]
        assert dangerous_markup(html) == [], row.event
        # The text part: what people typed as typed (not escaped), and none of our markup.
        assert "&lt;" not in message.body and "&amp;" not in message.body, row.event
        assert "<p>" not in message.body and "<br" not in message.body and 'style="' not in message.body, row.event


def test_the_centre_shows_the_events_hostile_text_escaped_once(told_everything, client, world):
    client.force_login(world.citizen)
    page = client.get("/moi/notifications/").content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    assert "&lt;script&gt;" in main and "&amp;lt;" not in main
    assert "<script>window" not in main and "<img src=x" not in main


def test_a_reminder_the_worker_comes_to_after_the_vote_closed_is_not_sent(world, cast):  # noqa: F811
    from django.core import mail

    from concertation.decisions import tasks as decision_tasks
    from concertation.notifications.delivery import deliver
    from concertation.notifications.models import Delivery

    now = timezone.now()
    proposal = decisions.proposal_create(space=world.assembly, author=cast["citizen"], title="Appui")
    decisions.proposal_open(proposal=proposal, by=cast["delegate"], now=now - timedelta(hours=1),
                            closes_at=now + timedelta(hours=20))
    assert decision_tasks.send_reminders_now(proposal.pk) >= 1
    decisions.proposal_close(proposal=proposal)
    mail.outbox.clear()
    deliver(Notification.objects.filter(event="decisions.closing_soon").values_list("pk", flat=True))
    assert not any(m.subject.startswith("Rappel") or m.subject.startswith("Reminder") for m in mail.outbox)
    assert set(Delivery.objects.filter(notification__event="decisions.closing_soon")
               .values_list("last_error", flat=True)) == {"no longer due"}
