"""Every agenda document moves into its space's library (issue 15): one knowledge.Document per
ItemDocument, joined to its item; a file becomes version 1 under the same stored name (nothing is
copied, the download name is kept), a link stays a link. Documents of accepted items of a meeting
past its preparation were seen by whoever saw the meeting: they are « public » (anyone who sees the
space); the others (a draft meeting, a proposed or declined item) « space members »."""

from django.db import migrations

from concertation.core.files import content_type_of, safe_filename


def _size(storage, name: str) -> int:
    try:
        return storage.size(name)
    except (OSError, NotImplementedError, ValueError):
        return 0  # a missing file keeps its row: its download answers 404, as before


def forward(apps, schema_editor):
    ItemDocument = apps.get_model("meetings", "ItemDocument")
    Document = apps.get_model("knowledge", "Document")
    DocumentVersion = apps.get_model("knowledge", "DocumentVersion")
    Through = apps.get_model("meetings", "AgendaItem").documents.through
    storage = DocumentVersion._meta.get_field("file").storage
    rows = ItemDocument.objects.select_related("item__meeting").order_by("pk")
    for old in rows.iterator():
        item = old.item
        shown = item.status == "accepted" and item.meeting.status != "draft"
        document = Document.objects.create(
            space_id=item.meeting.space_id, title=old.title[:200], kind="other",
            visibility="public" if shown else "space", url=old.url if not old.file else "",
            author_id=item.proposed_by_id)
        Document.objects.filter(pk=document.pk).update(created_at=old.created_at, updated_at=old.updated_at)
        if old.file:
            filename = old.filename or safe_filename(old.file.name)
            DocumentVersion.objects.create(document=document, number=1, file=old.file.name, filename=filename,
                                           size=_size(storage, old.file.name),
                                           content_type=content_type_of(filename))
        Through.objects.create(agendaitem_id=item.pk, document_id=document.pk)


def backward(apps, schema_editor):
    ItemDocument = apps.get_model("meetings", "ItemDocument")
    Through = apps.get_model("meetings", "AgendaItem").documents.through
    DocumentVersion = apps.get_model("knowledge", "DocumentVersion")
    for link in Through.objects.select_related("document").order_by("pk"):
        document = link.document
        version = DocumentVersion.objects.filter(document=document).order_by("-number").first()
        ItemDocument.objects.create(item_id=link.agendaitem_id, title=document.title, url=document.url,
                                    file=version.file.name if version else "",
                                    filename=version.filename if version else "")


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0007_agenda_item_library_documents"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
