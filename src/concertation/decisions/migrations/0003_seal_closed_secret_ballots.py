"""Secret votes closed before sealing existed kept ids, order, times, colleges and receipts that
paired each choice with its voter: seal them now (decisions/secrecy.py explains what sealing is).
Their uncounted ballots cannot be told apart any more: every ballot of the deciding round is kept
and marked as counted, as the closing counted it in almost every case."""

import json
import secrets

from django.db import migrations


def seal(apps, schema_editor):
    from concertation.core.secrecy import rewrite_unordered

    Proposal = apps.get_model("decisions", "Proposal")
    Ballot = apps.get_model("decisions", "Ballot")
    for proposal in Proposal.objects.filter(anonymous=True, status__in=["closed", "decided"]).iterator():
        at = proposal.closed_at or proposal.updated_at
        sealed = [
            Ballot(proposal_id=proposal.pk, round=row["round"], voter_key=f"anon:{secrets.token_hex(10)}",
                   value=row["value"], reason=row["reason"], weight=row["weight"], receipt=row["receipt"],
                   cast_at=at, counted=True if row["round"] == proposal.round else None)
            for row in Ballot.objects.filter(proposal_id=proposal.pk).values("round", "value", "reason", "weight",
                                                                             "receipt")
        ]
        if sealed:
            rewrite_unordered(
                Ballot.objects.filter(proposal_id=proposal.pk), sealed, stamp=at,
                content_key=lambda b: (b.round, json.dumps(b.value, sort_keys=True), b.reason, b.weight, b.receipt),
            )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_ballot_counted")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
