"""`concertation documents_extract_text [--all] [--quiet]`: read the text of the document versions
uploaded before the text was kept at upload (issue 17), for the search. Without --all, only the
versions whose text is empty and whose type has words (PDF, office, text); with --all, every version
again (after the extraction improved). It can be slow (each file is read, within the bounds of
knowledge/text_extraction.py) and can be run again: it writes only the text field."""

from django.core.management.base import BaseCommand

from concertation.knowledge import filetypes
from concertation.knowledge.models import DocumentVersion
from concertation.knowledge.text_extraction import extract_text

READABLE = (filetypes.PDF, filetypes.DOCX, filetypes.XLSX, filetypes.PPTX, filetypes.ODT, filetypes.ODS,
            filetypes.ODP, filetypes.CSV, filetypes.TEXT)


def versions_to_read(*, every: bool = False):
    versions = DocumentVersion.objects.filter(content_type__in=[kind.content_type for kind in READABLE])
    if not every:
        versions = versions.filter(text="")
    return versions.exclude(file="").only("pk", "file", "content_type").order_by("pk")


def read_version(version) -> str:
    try:
        with version.file.open("rb") as file:
            return extract_text(file, version.content_type)
    except OSError:  # the file is missing from the storage: no text
        return ""


class Command(BaseCommand):
    help = "Read the text of existing document versions, for the search."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Read every version again, not only those without text.")
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, **options):
        read = with_text = 0
        for version in versions_to_read(every=options["all"]).iterator(chunk_size=100):
            text = read_version(version)
            version.text = text
            # A save, not an update: whoever follows documents (the search index) hears of the new text.
            version.save(update_fields=["text"])
            read += 1
            with_text += bool(text)
        if not options["quiet"]:
            self.stdout.write(f"versions read: {read}, with text: {with_text}")
