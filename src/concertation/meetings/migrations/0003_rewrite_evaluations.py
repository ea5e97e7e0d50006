"""Evaluations written before were in the order of their receipts (SQLite's rowid, physical order):
write each meeting's answers again in the order of their content (meetings/evaluation.py)."""

from django.db import migrations

FIELDS = ("objectives_met", "everyone_could_speak", "useful_to_my_organization", "plus", "delta")


def rewrite(apps, schema_editor):
    from concertation.core.secrecy import rewrite_unordered

    Meeting = apps.get_model("meetings", "Meeting")
    Evaluation = apps.get_model("meetings", "Evaluation")
    for meeting in Meeting.objects.filter(evaluations__isnull=False).distinct().iterator():
        answers = [Evaluation(meeting_id=meeting.pk, **row)
                   for row in Evaluation.objects.filter(meeting_id=meeting.pk).values(*FIELDS)]
        rewrite_unordered(Evaluation.objects.filter(meeting_id=meeting.pk), answers, stamp=meeting.ends_at,
                          content_key=lambda e: tuple(getattr(e, name) for name in FIELDS))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_document_random_names")]
    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
