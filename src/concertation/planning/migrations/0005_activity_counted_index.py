# The governance health's reading of every action of a territory's plans (insights/metrics/activities.py).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0004_activity_documents'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['strategy', 'status', 'starts_on', 'ends_on', 'lead'], name='planning_activity_counted'),
        ),
    ]
