"""The world of the public window's tests: the permission matrix's (tests/security/conftest.py: a
public assembly, a members-only committee, another territory, drafts of every kind, marks in the
titles of what must stay hidden), plus what only these pages could leak, built once per module."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from concertation.decisions import ballots
from concertation.knowledge.discussions_registry import target as discussion_target
from concertation.knowledge.services.discussions import comment_hide, comment_post
from concertation.knowledge.services.documents import document_add
from tests.factories import ProposalFactory, UserFactory
from tests.security.conftest import FAST_HASHERS, build_matrix_world

HIDDEN_COMMENT_MARK = "masqué-secret"
TERRITORY_DOCUMENT_MARK = "réservé-territoire"
SECRET_BALLOT_MARK = "bulletin-confidentiel"
PUBLIC_DOCUMENT = "Rapport annuel ouvert"


def extras(w) -> None:
    now = timezone.now()
    # A document for everyone, and one for the territory's people only, in the public assembly.
    w.public_document = document_add(space=w.assembly, by=w.citizen, title=PUBLIC_DOCUMENT, visibility="public",
                                     file=ContentFile(b"%PDF-1.4 rapport", name="rapport.pdf"))
    document_add(space=w.assembly, by=w.citizen, title=f"Note {TERRITORY_DOCUMENT_MARK}", visibility="territory",
                 file=ContentFile(b"%PDF-1.4 note", name="note.pdf"))
    # A hidden comment under an open proposal of the public assembly.
    entry = discussion_target("proposal")
    comment_hide(comment=comment_post(entry=entry, obj=w.public.open_proposal, author=w.citizen,
                                      body=f"Propos {HIDDEN_COMMENT_MARK}"),
                 entry=entry, obj=w.public.open_proposal, by=w.coordinator, reason="Hors sujet.")
    # A secret vote, open (with a ballot whose reason carries a mark), and a secret decision.
    secret = ProposalFactory(space=w.assembly, author=w.coordinator, title="Vote secret en cours", opened=True, method="consensus",
                             anonymous=True)
    ballots.ballot_cast(proposal=secret, person=w.delegate, value="agree", organization=w.org,
                        reason=f"Raison {SECRET_BALLOT_MARK}")
    ProposalFactory(space=w.assembly, author=w.coordinator, title="Décision au scrutin secret", decided=True,
                    anonymous=True, decided_at=now - timedelta(days=2), decided_by=w.coordinator)
    # A person who agreed to be named publicly (the others did not: the factories' default).
    w.named = UserFactory(email="nommee@example.org", display_name="Nommée Volontaire")
    w.named.shown_publicly = True
    w.named.save(update_fields=["shown_publicly"])


def hidden_people(w) -> list[str]:
    """Names and addresses of everyone who did not agree to be shown."""
    from concertation.accounts.models import User

    words = []
    for user in User.objects.filter(shown_publicly=False):
        words.append(user.email)
        if user.display_name:
            words.append(user.display_name)
    return words


@pytest.fixture(scope="module")
def window_world(django_db_setup, django_db_blocker):
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_matrix_world()
            extras(w)
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
