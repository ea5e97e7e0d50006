from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0011_attendance_covering'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='agendaitem',
            index=models.Index(fields=['meeting', 'standard_role', 'status', 'kind', 'proposed_by'],
                               name='meetings_agendaitem_counted'),
        ),
    ]
