"""Follow-ups: per space and per person or organization, overdue, rolled forward to the next meeting."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.meetings import followups
from concertation.meetings.models import FollowUp, Meeting
from concertation.meetings.services import followups as followups_svc
from tests.factories import (
    DelegationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def moment(year, month, day, hour=18):
    return timezone.make_aware(datetime(year, month, day, hour, 30))


def meeting(space, when, title="Rencontre", status=Meeting.Status.HELD):
    return MeetingFactory(space=space, title=title, starts_at=when, status=status)


def follow_up(space, what, *, at=None, person=None, organization=None, due_on=None, status=FollowUp.Status.OPEN):
    return FollowUp.objects.create(space=space, meeting=at, what=what, person=person, organization=organization,
                                   due_on=due_on, status=status)


def test_open_follow_ups_roll_forward_to_the_next_meeting_of_the_space(world):
    september = meeting(world.assembly, moment(2025, 9, 18), "Septembre")
    november = meeting(world.assembly, moment(2025, 11, 25), "Novembre", status=Meeting.Status.CONVENED)
    publish = follow_up(world.assembly, "Publier le plan", at=september, person=world.coordinator)
    done = follow_up(world.assembly, "Réserver la salle", at=september, person=world.delegate,
                     status=FollowUp.Status.DONE)
    dropped = follow_up(world.assembly, "Sondage", at=september, organization=world.org,
                        status=FollowUp.Status.DROPPED)
    decided_in_november = follow_up(world.assembly, "Écrire le bilan", at=november, person=world.delegate)
    other_space = follow_up(world.committee, "Budget du comité", at=meeting(world.committee, moment(2025, 10, 7)),
                            person=world.delegate)

    assert list(followups.follow_ups_for_meeting(november)) == [publish]
    assert list(followups.follow_ups_for_meeting(september)) == []
    # Still open at the meeting after: it rolls forward again until someone closes it.
    january = meeting(world.assembly, moment(2026, 1, 20), "Janvier", status=Meeting.Status.DRAFT)
    assert set(followups.follow_ups_for_meeting(january)) == {publish, decided_in_november}
    followups_svc.follow_up_set_status(follow_up=publish, status=FollowUp.Status.DONE, by=world.coordinator,
                                       on=date(2025, 12, 1))
    assert list(followups.follow_ups_for_meeting(january)) == [decided_in_november]
    publish.refresh_from_db()
    assert publish.done_on == date(2025, 12, 1)
    assert {done, dropped, other_space}.isdisjoint(set(followups.follow_ups_for_meeting(january)))


def test_a_follow_up_is_overdue_when_open_past_its_due_date(world):
    today = date(2025, 11, 1)
    late = follow_up(world.assembly, "En retard", person=world.delegate, due_on=date(2025, 10, 31))
    due_today = follow_up(world.assembly, "Aujourd'hui", person=world.delegate, due_on=today)
    no_date = follow_up(world.assembly, "Sans date", person=world.delegate)
    done_late = follow_up(world.assembly, "Fait en retard", person=world.delegate, due_on=date(2025, 10, 1),
                          status=FollowUp.Status.DONE)
    assert followups.is_overdue(late, today)
    assert not any(followups.is_overdue(item, today) for item in (due_today, no_date, done_late))
    assert list(followups.space_follow_ups(world.assembly, overdue=True, today=today)) == [late]
    rows = followups.mark_overdue(followups.space_follow_ups(world.assembly, status="open", today=today), today)
    assert {row.what: row.overdue for row in rows} == {"En retard": True, "Aujourd'hui": False, "Sans date": False}


def test_my_follow_ups_by_person_and_by_the_organizations_i_represent(world):
    mine = follow_up(world.assembly, "Le mien", person=world.delegate)
    for_my_organization = follow_up(world.group, "Celui de mon organisme", organization=world.org)
    both = follow_up(world.assembly, "À moi pour mon organisme", person=world.delegate, organization=world.org)
    other_person = follow_up(world.assembly, "Celui d'une autre", person=world.citizen)
    other_organization = follow_up(world.assembly, "Celui de Centraide", organization=world.observer_org)
    closed = follow_up(world.assembly, "Déjà fait", person=world.delegate, status=FollowUp.Status.DONE)

    data = followups.my_follow_ups(world.delegate)
    assert set(data["mine"]) == {mine, both}
    assert list(data["organizations"]) == [for_my_organization]
    assert data["organization_ids"] == {world.org.pk}
    assert {other_person, other_organization, closed}.isdisjoint(set(data["mine"]) | set(data["organizations"]))
    assert set(followups.my_follow_ups(world.delegate, status=None)["mine"]) == {mine, both, closed}
    # The observer represents Centraide; the citizen represents nobody.
    assert list(followups.my_follow_ups(world.observer)["organizations"]) == [other_organization]
    assert list(followups.my_follow_ups(world.citizen)["organizations"]) == []
    # An alternate represents the organization too.
    alternate = UserFactory()
    DelegationFactory(membership=world.org_in_committee, person=alternate, kind="alternate")
    assert set(followups.my_follow_ups(alternate)["organizations"]) == {for_my_organization, both}


def test_my_follow_ups_leave_out_spaces_i_cannot_see(world):
    """A follow-up of my organization in a members-only space where I do not sit stays hidden."""
    secret_space = world.other_space
    secret_space.visibility = "members"
    secret_space.save()
    stranger_org = OrganizationFactory(territory=world.other_territory)
    person = UserFactory()
    DelegationFactory(membership=MembershipFactory(space=world.assembly, organization=stranger_org), person=person)
    hidden = follow_up(secret_space, "Caché", organization=stranger_org)
    visible = follow_up(world.assembly, "Visible", organization=stranger_org)
    assert list(followups.my_follow_ups(person)["organizations"]) == [visible]
    assert hidden.pk


def test_who_may_change_a_follow_up(world):
    item = follow_up(world.assembly, "Pour l'organisme", organization=world.org)
    personal = follow_up(world.assembly, "Pour la citoyenne", person=world.citizen)
    assert followups.can_edit_follow_up(world.delegate, item)
    assert followups.can_edit_follow_up(world.coordinator, item)
    assert not followups.can_edit_follow_up(world.citizen, item)
    assert followups.can_edit_follow_up(world.citizen, personal)
    assert not followups.can_edit_follow_up(world.delegate, personal)
    assert not followups.can_edit_follow_up(world.outsider, item)
    with pytest.raises(DomainError):
        followups_svc.follow_up_set_status(follow_up=item, status="maybe")
    with pytest.raises(DomainError):
        followups_svc.follow_up_create(space=world.assembly, what="Sans responsable")


# Pages ---------------------------------------------------------------------------------------

def space_url(world, space, **params):
    return reverse("meetings:follow_ups", kwargs={"territory": world.territory.slug, "space": space.slug})


def test_the_space_follow_ups_page_filters_and_flags_overdue(world, client_for, django_assert_max_num_queries):
    today = timezone.localdate()
    september = meeting(world.assembly, moment(2025, 9, 18), "Septembre")
    for n in range(30):
        follow_up(world.assembly, f"Suivi {n}", at=september, person=world.delegate, organization=world.org,
                  due_on=today - timedelta(days=n - 10))
    follow_up(world.assembly, "Terminé", person=world.delegate, status=FollowUp.Status.DONE)
    client = client_for(world.citizen)
    with django_assert_max_num_queries(15):
        response = client.get(space_url(world, world.assembly))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Suivi 0" in page and "Terminé" not in page
    assert "19 en retard" in page  # due before today: n = 11 … 29
    assert "Changer le statut" not in page  # the citizen is neither responsible nor facilitating
    response = client.get(space_url(world, world.assembly) + "?statut=done")
    assert "Terminé" in response.content.decode() and "Suivi 0" not in response.content.decode()
    response = client.get(space_url(world, world.assembly) + "?statut=overdue")
    assert response.content.decode().count("badge-danger") == 19 + 1  # rows + the counter
    # The delegate represents the organization responsible: they may change the status.
    response = client_for(world.delegate).get(space_url(world, world.assembly))
    assert "Changer le statut" in response.content.decode()


def test_the_responsible_person_marks_a_follow_up_done(world, client_for):
    item = follow_up(world.assembly, "Publier", organization=world.org, due_on=date(2025, 10, 1))
    edit = reverse("meetings:follow_up_edit", kwargs={"territory": world.territory.slug,
                                                      "space": world.assembly.slug, "fu": item.pk})
    assert client_for(world.citizen).get(edit).status_code == 404
    assert client_for(world.citizen).post(edit, {"status": "done"}).status_code == 404
    client = client_for(world.delegate)
    response = client.get(edit)
    assert response.status_code == 200 and "En retard" in response.content.decode()
    response = client.post(edit, {"status": "done", "next": "//ailleurs.example/"})
    assert response.status_code == 302 and response["Location"] == space_url(world, world.assembly)
    item.refresh_from_db()
    assert item.status == FollowUp.Status.DONE and item.done_on == timezone.localdate()
    assert client.post(edit, {"status": "bof"}).status_code == 400
    response = client.post(edit, {"status": "open", "next": space_url(world, world.assembly) + "?statut=all"})
    assert response["Location"].endswith("?statut=all")
    item.refresh_from_db()
    assert item.status == FollowUp.Status.OPEN and item.done_on is None
    # Another space's follow-up is not reachable through this space.
    wrong = reverse("meetings:follow_up_edit", kwargs={"territory": world.territory.slug,
                                                       "space": world.group.slug, "fu": item.pk})
    assert client.get(wrong).status_code == 404


def test_my_follow_ups_page(world, client_for, django_assert_max_num_queries):
    follow_up(world.assembly, "Le mien", person=world.delegate, due_on=date(2025, 1, 1))
    follow_up(world.group, "Celui de mon organisme", organization=world.org)
    page_url = reverse("my:my_follow_ups")
    assert client_for(None).get(page_url).status_code == 302
    client = client_for(world.delegate)
    with django_assert_max_num_queries(12):
        response = client.get(page_url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Le mien" in page and "Celui de mon organisme" in page and "En retard" in page
