"""The reads several families share, made once per page (each one query): the memberships of the
scope, the staff of the territory, the meetings held in the window.

Who is « staff » (the coordination): the territory's coordinators (``Territory.coordinators``) and
the people who held a role of kind « coordination » in any space of the territory during the window
(``spaces.Role.Kind.COORDINATION``, the same kind that makes a person coordinate a space in
``spaces.access``). Everyone else is a member: delegates, citizens, other role holders.
"""

from __future__ import annotations

from datetime import UTC
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from concertation.meetings.models import Attendance, Meeting
from concertation.planning.bilan import attendance_seats
from concertation.spaces.models import Membership, Role

from .base import Scope, Window

HELD = (Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED)


class MetricsContext:
    def __init__(self, scope: Scope, window: Window):
        self.scope, self.window = scope, window

    @cached_property
    def _bounds(self) -> tuple:
        """The periods' bounds as UTC moments: the database gives UTC moments, and comparing moments
        of the same time zone costs no conversion (thousands of rows a page)."""
        current, previous = self.window.current, self.window.previous
        return tuple(moment.astimezone(UTC) for moment in (
            previous.start_moment, previous.end_moment, current.start_moment, current.end_moment))

    def which(self, moment) -> str | None:
        """The period (« current », « previous ») of a moment or a day."""
        if moment is None:
            return None
        if hasattr(moment, "hour"):
            previous_start, previous_end, current_start, current_end = self._bounds
            if current_start <= moment < current_end:
                return "current"
            if previous_start <= moment < previous_end:
                return "previous"
            return None
        return self.window.which(moment)

    @cached_property
    def memberships(self) -> list[dict]:
        """The scope's memberships whose dates overlap the window: organization or citizen, with the
        college (the membership's, else the organization's) and the organization's sector."""
        return list(
            Membership.objects.filter(self.window.term_q(), space_id__in=self.scope.space_ids)
            .annotate(college_name=Coalesce(F("college__name"), F("organization__college__name"),
                                            output_field=CharField()),
                      sector_name=F("organization__sector__name"))
            .values("space_id", "organization_id", "person_id", "college_name", "sector_name", "start", "end")
            .order_by()
        )

    @cached_property
    def staff(self) -> set[int]:
        """Coordinators of the territory and holders of a coordination role there in the window."""
        window = self.window
        role_q = Q(role_assignments__role__kind=Role.Kind.COORDINATION,
                   role_assignments__role__space__territory_id=self.scope.territory_id,
                   role_assignments__start__lte=window.end) & (
            Q(role_assignments__end__isnull=True) | Q(role_assignments__end__gte=window.start)) & (
            Q(role_assignments__ended_on__isnull=True) | Q(role_assignments__ended_on__gt=window.start))
        return set(get_user_model().objects.filter(Q(coordinated_territories=self.scope.territory_id) | role_q)
                   .order_by().values_list("pk", flat=True).distinct())

    def held_meetings_q(self, prefix: str = "") -> Q:
        """The meetings of the scope held (or whose minutes are adopted) in the window."""
        return Q(**{f"{prefix}space_id__in": self.scope.space_ids, f"{prefix}status__in": HELD,
                    f"{prefix}starts_at__gte": self.window.start_moment,
                    f"{prefix}starts_at__lt": self.window.end_moment})

    @cached_property
    def meetings(self) -> list[dict]:
        """The meetings held in the window, each with the organization its facilitator and its
        secretary represented there (their attendance row; rotation.py), read in the same query."""
        def represented(field):
            return Subquery(Attendance.objects.filter(meeting_id=OuterRef("pk"), person_id=OuterRef(field),
                                                      organization__isnull=False)
                            .values("organization_id")[:1])

        return list(Meeting.objects.filter(self.held_meetings_q())
                    .annotate(facilitator_organization=represented("facilitator_id"),
                              secretary_organization=represented("secretary_id"))
                    .values("id", "title", "starts_at", "facilitator_id", "secretary_id",
                            "facilitator_organization", "secretary_organization")
                    .order_by("starts_at", "id"))

    def period_case(self, field: str) -> Case:
        """« current » or « previous » for a moment of a row already within the window, in SQL."""
        return Case(When(**{f"{field}__gte": self.window.current.start_moment}, then=Value("current")),
                    default=Value("previous"), output_field=CharField())

    @cached_property
    def presences(self) -> list[dict]:
        """Presences (attendance « présence » or « retard ») at the meetings held, counted in the
        database (``n``) by period, organization represented, its sector, the college (planning.bilan's
        rule: the organization's seat in the meeting's space, else the organization's college, else the
        person's citizen seat there) and whether the person has a citizen seat in the meeting's space."""
        if not self.meetings:
            return []
        seats, college = attendance_seats()
        citizen = Case(When(citizen_seat__id__isnull=False, then=Value(True)), default=Value(False),
                       output_field=BooleanField())
        return list(
            Attendance.objects.filter(self.held_meetings_q("meeting__"),
                                      status__in=[Attendance.Status.PRESENT, Attendance.Status.LATE])
            .annotate(**seats).annotate(college_name=college, citizen=citizen,
                                        period=self.period_case("meeting__starts_at"))
            .values("period", "organization_id", "organization__name", "organization__sector__name",
                    "college_name", "citizen")
            .annotate(n=Count("id"))
            .order_by()
        )
