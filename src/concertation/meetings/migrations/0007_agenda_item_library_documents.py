"""Agenda items join documents of the space's library (issue 15): a many-to-many to
knowledge.Document. The former ItemDocument rows move into the library in 0007 and their table
goes in 0008; meanwhile their link to the item is renamed so both can coexist."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("knowledge", "0006_documents"),
        ("meetings", "0006_notice_deliveries_move_to_notifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="itemdocument",
            name="item",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="legacy_documents",
                                    to="meetings.agendaitem"),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="documents",
            field=models.ManyToManyField(blank=True, related_name="agenda_items", to="knowledge.document",
                                         verbose_name="documents"),
        ),
    ]
