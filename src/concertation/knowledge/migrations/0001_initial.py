from django.db import migrations


class Migration(migrations.Migration):
    """The app's first migration: its subjects' models come in the migrations after it."""

    initial = True
    dependencies: list = []
    operations: list = []
