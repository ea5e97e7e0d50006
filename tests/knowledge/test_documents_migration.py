"""The agenda's documents move into the library (meetings 0006–0008, issue 15): every ItemDocument
becomes a Document of its space joined to its item, a file its version 1 under the same stored name
(nothing copied), a link a link; then the old table goes. Run through Django's migration executor:
back to the state before, rows written with the models of that state, forward again."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from concertation.core.files import random_name
from concertation.knowledge.models import Document
from concertation.meetings.models import AgendaItem, Meeting
from tests.factories import AgendaItemFactory, MeetingFactory, SpaceFactory

BEFORE = [("meetings", "0007_agenda_item_library_documents")]
PDF = b"%PDF-1.4 ordre du jour"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_agenda_document_moves_into_the_library():
    space = SpaceFactory()
    convened = MeetingFactory(space=space, status=Meeting.Status.CONVENED)
    draft = MeetingFactory(space=space)
    item = AgendaItemFactory(meeting=convened)
    proposed = AgendaItemFactory(meeting=convened, status=AgendaItem.Status.PROPOSED)
    draft_item = AgendaItemFactory(meeting=draft)
    stored = default_storage.save(random_name("meetings", "budget.pdf"), ContentFile(PDF))
    try:
        old_apps = migrate(BEFORE)
        ItemDocument = old_apps.get_model("meetings", "ItemDocument")
        rows = [
            ItemDocument.objects.create(item_id=item.pk, title="Budget", file=stored, filename="Budget 2026.pdf"),
            ItemDocument.objects.create(item_id=item.pk, title="Site du quartier", url="https://exemple.org/"),
            ItemDocument.objects.create(item_id=proposed.pk, title="Annexe proposée", url="https://exemple.org/a"),
            ItemDocument.objects.create(item_id=draft_item.pk, title="Brouillon", url="https://exemple.org/b"),
        ]
        old_file = default_storage.path(stored)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        assert "meetings_itemdocument" not in connection.introspection.table_names()
        documents = {document.title: document for document in Document.objects.all()}
        assert set(documents) == {row.title for row in rows}
        budget = documents["Budget"]
        version = budget.versions.get()
        assert version.number == 1 and version.file.name == stored and version.filename == "Budget 2026.pdf"
        assert version.size == len(PDF) and version.content_type == "application/pdf"
        assert default_storage.open(stored).read() == PDF and default_storage.path(stored) == old_file
        assert documents["Site du quartier"].url == "https://exemple.org/" and not documents["Site du quartier"].versions.exists()
        assert all(document.space_id == space.pk for document in documents.values())
        assert set(item.documents.values_list("title", flat=True)) == {"Budget", "Site du quartier"}
        assert list(proposed.documents.values_list("title", flat=True)) == ["Annexe proposée"]
        # Seen as before: by whoever sees the meeting; a draft's or a proposed item's by members only.
        assert budget.visibility == documents["Site du quartier"].visibility == Document.Visibility.PUBLIC
        assert documents["Annexe proposée"].visibility == documents["Brouillon"].visibility == Document.Visibility.SPACE
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        default_storage.delete(stored)
