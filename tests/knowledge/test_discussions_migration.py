"""The proposal comments of decisions move into knowledge's discussions (decisions 0005, 0006)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("decisions", "0004_method_choices_from_the_registry"), ("knowledge", "0005_discussions")]
AFTER = [("decisions", "0006_remove_proposal_comments"), ("knowledge", "0005_discussions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_proposal_comment_becomes_a_knowledge_comment(world):
    proposal = ProposalFactory(space=world.committee, opened=True, version=2)
    author = UserFactory()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old_apps = migrate(BEFORE)
    try:
        Old = old_apps.get_model("decisions", "Comment")
        written = timezone.now() - timedelta(days=40)
        first = Old.objects.create(proposal_id=proposal.pk, author_id=author.pk, body="Et le budget?", version=1)
        Old.objects.filter(pk=first.pk).update(created_at=written, updated_at=written)
        Old.objects.create(proposal_id=proposal.pk, author_id=None, body="D'une personne supprimée.", version=2)

        new_apps = migrate(AFTER)
        New = new_apps.get_model("knowledge", "Comment")
        moved = list(New.objects.order_by("created_at").values(
            "target_kind", "target_id", "territory_id", "space_id", "author_id", "body", "target_version",
            "created_at", "parent_id", "hidden_at"))
        assert [row["body"] for row in moved] == ["Et le budget?", "D'une personne supprimée."]
        assert moved[0] == {
            "target_kind": "proposal", "target_id": proposal.pk, "territory_id": world.territory.pk,
            "space_id": world.committee.pk, "author_id": author.pk, "body": "Et le budget?", "target_version": 1,
            "created_at": written, "parent_id": None, "hidden_at": None,
        }
        assert moved[1]["author_id"] is None and moved[1]["target_version"] == 2
        assert "decisions_comment" not in connection.introspection.table_names()

        # And back: the comments return to decisions.
        old_apps = migrate(BEFORE)
        assert list(old_apps.get_model("decisions", "Comment").objects.order_by("created_at")
                    .values_list("body", "version")) == [("Et le budget?", 1), ("D'une personne supprimée.", 2)]
    finally:
        migrate(latest)
