"""Random stored names for meeting documents (issue 12): the name a file was uploaded under was its
stored name, easy to guess. Each existing file is copied under a random name, its original name kept
for the download, then the old file is deleted. A file missing from the storage keeps its row and
path (the download answers 404, like any missing file)."""

from django.db import migrations, models, transaction

import concertation.meetings.models
from concertation.core.files import is_random_name, random_name, safe_filename


def rename_files(apps, schema_editor):
    ItemDocument = apps.get_model("meetings", "ItemDocument")
    storage = ItemDocument._meta.get_field("file").storage
    for document in ItemDocument.objects.exclude(file="").iterator():
        old = document.file.name
        document.filename = document.filename or safe_filename(old)
        if not is_random_name(old):
            try:
                with storage.open(old, "rb") as content:
                    document.file.name = storage.save(random_name("meetings", old), content)
            except (FileNotFoundError, OSError):
                pass  # nothing to move: the row keeps its path
            else:
                # Once the new names are committed: a failed migration leaves the old files.
                transaction.on_commit(lambda name=old: storage.delete(name))
        document.save(update_fields=["file", "filename"])


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='itemdocument',
            name='filename',
            field=models.CharField(blank=True, max_length=255, verbose_name='nom du fichier'),
        ),
        migrations.AlterField(
            model_name='itemdocument',
            name='file',
            field=models.FileField(blank=True, max_length=255, upload_to=concertation.meetings.models.document_upload_to, verbose_name='fichier'),
        ),
        migrations.RunPython(rename_files, migrations.RunPython.noop),
    ]
