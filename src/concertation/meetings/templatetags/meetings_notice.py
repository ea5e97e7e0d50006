"""``{% meeting_notice meeting person "notice" as notice %}``: one person's notice, for the templates
of the events meetings.convened / changed / cancelled (the notifications layer renders them in the
person's language; the answer links are the person's own)."""

from django import template
from django.conf import settings

from concertation.meetings.notice import notice_for

register = template.Library()


@register.simple_tag
def meeting_notice(meeting, person, kind):
    if meeting is None or person is None:
        return {}
    return notice_for(meeting, person, kind, base_url=(settings.SITE_URL or "").rstrip("/"))
