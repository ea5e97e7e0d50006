"""The agenda documents now live in the library (0007): their former table goes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0008_move_item_documents"),
    ]

    operations = [
        migrations.DeleteModel(name="ItemDocument"),
    ]
