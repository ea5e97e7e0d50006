"""A proposal's ballots and eligible voters (``participants``, ``eligible`` of its result) in columns
of their own, filled here from the results already stored (``Proposal.save`` keeps them in step)."""

from django.db import migrations, models


def fill_turnout(apps, schema_editor):
    # The rule of ``Proposal.keep_turnout`` as it stands today (a migration keeps its own copy).
    Proposal = apps.get_model("decisions", "Proposal")
    changed = []
    for proposal in Proposal.objects.exclude(result={}).only("pk", "result").iterator(chunk_size=500):
        result = proposal.result if isinstance(proposal.result, dict) else {}
        proposal.result_participants, proposal.result_eligible = (
            value if isinstance(value, int) else None for value in (result.get("participants"), result.get("eligible")))
        changed.append(proposal)
    Proposal.objects.bulk_update(changed, ["result_participants", "result_eligible"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0007_proposal_documents'),
    ]

    operations = [
        migrations.AddField(
            model_name='proposal',
            name='result_eligible',
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='proposal',
            name='result_participants',
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_turnout, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['space', 'status', 'closed_at', 'decided_at', 'result_participants', 'result_eligible'], name='decisions_proposal_turnout'),
        ),
    ]
