# The dashboard's and the bilan's readings: an activity's rank among its strategy's, and an
# indicator's first and latest measurement with its value (the activities by strategy and status
# come from 0005's index).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0005_activity_counted_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['strategy', 'position'], name='planning_activity_rank'),
        ),
        migrations.AddIndex(
            model_name='measurement',
            index=models.Index(fields=['indicator', 'date', 'value'], name='planning_measurement_by_date'),
        ),
    ]
