"""``{% meeting_notice meeting person "notice" as notice %}``: one person's notice, for the templates
of the events meetings.convened / changed / cancelled (the notifications layer renders them in the
person's language; the answer links are the person's own)."""

from django import template

from concertation.meetings.notice import notice_for

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_notice(context, meeting, person, kind):
    if not meeting or person is None:
        return {}
    return notice_for(meeting, person, kind, base_url=context.get("site_url", ""))
