"""Proposal comments move into knowledge's discussions (issue 15): one knowledge comment per
decisions comment, same author, text, version and dates, under the kind « proposal ». The next
migration removes decisions.Comment."""

from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("decisions", "Comment")
    New = apps.get_model("knowledge", "Comment")
    for old in Old.objects.select_related("proposal__space").order_by("pk").iterator():
        space = old.proposal.space
        new = New.objects.create(territory_id=space.territory_id, space_id=space.pk, target_kind="proposal",
                                 target_id=old.proposal_id, author_id=old.author_id, body=old.body,
                                 target_version=old.version)
        # auto_now_add and auto_now set today's date on create: put back the comment's own.
        New.objects.filter(pk=new.pk).update(created_at=old.created_at, updated_at=old.updated_at)


def backward(apps, schema_editor):
    Old = apps.get_model("decisions", "Comment")
    New = apps.get_model("knowledge", "Comment")
    Proposal = apps.get_model("decisions", "Proposal")
    existing = set(Proposal.objects.values_list("pk", flat=True))
    for new in New.objects.filter(target_kind="proposal").order_by("created_at", "pk").iterator():
        if new.target_id not in existing:
            continue
        old = Old.objects.create(proposal_id=new.target_id, author_id=new.author_id, body=new.body,
                                 version=new.target_version or 1)
        Old.objects.filter(pk=old.pk).update(created_at=new.created_at, updated_at=new.updated_at)
    New.objects.filter(target_kind="proposal").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0004_method_choices_from_the_registry"),
        ("knowledge", "0005_discussions"),
    ]

    operations = [migrations.RunPython(forward, backward)]
