"""Permissions of meetings: members see the meetings of spaces they can see; facilitation runs them."""

import rules

from concertation.spaces.access import access_for


@rules.predicate
def can_view_meeting(user, meeting):
    if meeting is None or not access_for(user).can_view(meeting.space):
        return False
    return meeting.status != "draft" or access_for(user).facilitates(meeting.space)


@rules.predicate
def runs_meeting(user, meeting):
    """The space's facilitation, secretary and coordination, and the meeting's own facilitator and secretary."""
    if meeting is None:
        return False
    uid = getattr(user, "pk", None)
    return access_for(user).facilitates(meeting.space) or (
        uid is not None and uid in {meeting.facilitator_id, meeting.secretary_id}
    )


@rules.predicate
def runs_meetings_of_space(user, space):
    return space is not None and access_for(user).facilitates(space)


@rules.predicate
def is_member_of_meeting_space(user, meeting):
    return meeting is not None and (access_for(user).is_member(meeting.space) or
                                    access_for(user).facilitates(meeting.space))


rules.add_perm("meetings.view_meeting", can_view_meeting)
rules.add_perm("meetings.run_meeting", runs_meeting)
rules.add_perm("meetings.add_meeting", runs_meetings_of_space)
rules.add_perm("meetings.take_part", is_member_of_meeting_space)
