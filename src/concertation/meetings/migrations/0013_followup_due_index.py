# The follow-ups' index by space, status and due date also holds done_on: the governance health counts
# those done on time from the index alone (insights/metrics/followups.py). Added before the old one is
# removed (same leading columns: every query it served, the new one serves).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0012_agendaitem_counted'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(fields=['space', 'status', 'due_on', 'done_on'], name='meetings_followup_due'),
        ),
        migrations.RemoveIndex(
            model_name='followup',
            name='meetings_fo_space_i_36b44c_idx',
        ),
    ]
