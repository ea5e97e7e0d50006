"""Hostile input (tests/security/payloads.py) in a notification's context, its group's name and the
person's name: text in the HTML e-mails (immediate and digest) and in the centre, never markup."""

import pytest
from django.core import mail

from concertation.notifications import digests, registry
from concertation.notifications.api import Group, notify
from concertation.notifications.delivery import deliver
from concertation.notifications.models import Notification
from tests.factories import UserFactory
from tests.security.payloads import XSS
from tests.security.test_hostile_input import dangerous_markup

pytestmark = pytest.mark.django_db
ALL = "\n".join(XSS.values())


def hostile_notification(person, key="tests.happened"):
    notify(key, recipients=[person], context={"title": ALL}, group=Group("space:1", XSS["attr_double"] + XSS["script"]),
           link="/x/")


def test_the_immediate_email_keeps_payloads_as_text():
    person = UserFactory(display_name=XSS["img_onerror"])
    hostile_notification(person)
    deliver(Notification.objects.values_list("pk", flat=True))
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "onerror=" in html  # the text is there…
    assert dangerous_markup(html) == []  # …but as text
    assert "&lt;script&gt;" in html and "&amp;lt;" not in html  # escaped once
    assert "<script>window.__xss++</script>" in message.body  # plain text is plain
    assert "\n" not in message.subject


def test_the_digest_keeps_payloads_as_text():
    person = UserFactory(display_name=XSS["attr_single"])
    hostile_notification(person, "tests.weekly")
    assert digests.run_digest(registry.WEEKLY) == 1
    html = mail.outbox[0].alternatives[0][0]
    assert "onload=" in html
    assert dangerous_markup(html) == []
    assert "&lt;script&gt;" in html and "&amp;lt;" not in html  # the lines escaped once
    assert "<script>window.__xss++</script>" in mail.outbox[0].body


def test_the_centre_keeps_payloads_as_text(client):
    person = UserFactory()
    hostile_notification(person)
    client.force_login(person)
    page = client.get("/moi/notifications/").content.decode()
    main = page[page.index('<main'):page.index("</main>")]
    assert "onerror=" in main
    assert "&lt;script&gt;" in main and "&amp;lt;" not in main  # escaped once, shown as typed
    # The centre's own forms (mark as read) and their CSRF fields are the only markup of the kind.
    own = [found for found in dangerous_markup(main)
           if found.startswith(("<form {", "<form> hx-")) and "/moi/notifications/" in found
           or found in ("<form> hx-target='#notification-list'", "<form> hx-swap='outerHTML'")
           or found.startswith("<input {'type': 'hidden', 'name': 'csrfmiddlewaretoken'")]
    assert own and sorted(dangerous_markup(main)) == sorted(own)
