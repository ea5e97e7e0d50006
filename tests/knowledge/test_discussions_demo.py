"""The demo territory has discussions on a proposal and on an activity, with replies and mentions."""

from __future__ import annotations

import pytest

from concertation.demo.context import ACCOUNT_EMAILS, TERRITORY_SLUG
from concertation.demo.loader import load_demo
from concertation.knowledge.models import Comment, Mention
from tests.knowledge.conftest import thread_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_discusses_the_open_proposal_and_an_activity(client):
    load_demo()
    comments = Comment.objects.filter(territory__slug=TERRITORY_SLUG)
    assert set(comments.values_list("target_kind", flat=True)) == {"proposal", "activity"}
    assert comments.filter(target_kind="proposal", parent__isnull=False).exists()
    assert comments.filter(target_kind="activity", parent__isnull=False).exists()
    mentioned = set(Mention.objects.filter(comment__territory__slug=TERRITORY_SLUG)
                    .values_list("person__email", flat=True))
    assert mentioned == {ACCOUNT_EMAILS["citizen"], ACCOUNT_EMAILS["facilitator"]}
    edited = comments.get(edited_at__isnull=False)  # the observer's, with its first text in the history
    assert edited.revisions.get().body == "Centraide suit le dossier avec intérêt."
    # Loading again adds nothing.
    before = comments.count()
    load_demo()
    assert Comment.objects.filter(territory__slug=TERRITORY_SLUG).count() == before

    from concertation.accounts.models import User

    client.force_login(User.objects.get(email=ACCOUNT_EMAILS["citizen"]))
    proposal_comment = comments.filter(target_kind="proposal").first()
    from concertation.knowledge.discussions_registry import target

    proposal = target("proposal").load(proposal_comment.target_id)
    page = client.get(target("proposal").url_of(proposal)).content.decode()
    assert '<strong class="mention">@Amina Belkacem</strong>' in page
    activity = target("activity").load(comments.filter(target_kind="activity").first().target_id)
    assert client.get(thread_url(activity)).status_code == 200
