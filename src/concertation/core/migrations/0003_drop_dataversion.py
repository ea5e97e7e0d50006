from django.db import migrations


class Migration(migrations.Migration):
    """The kept pages are gone (docs/decisions/0003-no-kept-pages.md): so is their data version."""

    dependencies = [("core", "0002_dataversion")]

    operations = [migrations.DeleteModel(name="DataVersion")]
