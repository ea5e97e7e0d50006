"""Text read by `concertation documents_extract_text` (versions uploaded before the text was kept)
reaches the search index at once: the command saves each version, which the index follows."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from concertation.knowledge.models import DocumentVersion
from concertation.knowledge.services import documents as services
from concertation.search import index
from concertation.search.models import Entry
from tests.knowledge.test_text_extraction import docx_bytes


@pytest.mark.django_db
def test_text_read_by_the_command_is_searchable(world):
    document = services.document_add(space=world.assembly, by=world.coordinator, title="Ancien",
                                      file=SimpleUploadedFile("ancien.docx", docx_bytes(["Mémoire collective"])))
    DocumentVersion.objects.filter(document=document).update(text="")  # as before issue 17
    index.reindex(document)
    assert "Mémoire" not in Entry.objects.get(kind="document", object_id=document.pk).body
    call_command("documents_extract_text", stdout=io.StringIO())
    assert "Mémoire collective" in Entry.objects.get(kind="document", object_id=document.pk).body
