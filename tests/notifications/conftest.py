from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy

from concertation.notifications import registry
from concertation.notifications.api import Attachment, register_event

TEMPLATES = Path(__file__).parent / "templates"


def _ics(notification, person):
    return [Attachment("invitation.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST")]


@pytest.fixture(autouse=True)
def test_events(settings):
    """Events of a pretend app, with templates of its own (tests/notifications/templates)."""
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES]
    settings.TEMPLATES = templates
    saved = dict(registry._events), dict(registry._dailies)
    register_event("tests.happened", category="proposals", label=gettext_lazy("Il s'est passé quelque chose"),
                   template="tests_notifications/happened")
    register_event("tests.weekly", category="minutes", label="weekly thing", template="tests_notifications/happened")
    register_event("tests.ics", category="notices", label="with ics", template="tests_notifications/happened",
                   attachments=_ics)
    register_event("tests.invite", category="invitations", label="invite", template="tests_notifications/happened")
    yield
    registry._events.clear()
    registry._events.update(saved[0])
    registry._dailies.clear()
    registry._dailies.update(saved[1])


def run_worker():
    """Run what the queue holds, as `concertation worker --batch` does (without its periodic duties)."""
    from django.core.management import call_command

    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0)
