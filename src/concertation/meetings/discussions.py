"""Meetings are discussed in knowledge's discussions (registered from MeetingsConfig.ready())."""

from django.urls import reverse


def _url(meeting) -> str:
    return reverse("meetings:meeting", kwargs={
        "territory": meeting.space.territory.slug, "space": meeting.space.slug, "pk": meeting.pk})


def register() -> None:
    from concertation.knowledge.discussions_registry import register_discussion_target

    from .models import Meeting

    register_discussion_target(
        "meeting", Meeting,
        space_of=lambda meeting: meeting.space,
        can_view=lambda user, meeting: user.has_perm("meetings.view_meeting", meeting),
        # The members of the space and those who run it, while the meeting is not cancelled.
        can_comment=lambda user, meeting: meeting.status != "cancelled" and user.has_perm("meetings.take_part",
                                                                                          meeting),
        can_moderate=lambda user, meeting: user.has_perm("meetings.run_meeting", meeting),
        url_of=_url,
        label_of=lambda meeting: meeting.title,
        related=("space__territory",),
    )
