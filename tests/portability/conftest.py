import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone

from concertation.portability.archive import export_territory
from concertation.portability.graph import territory_graph

from ..factories import BallotFactory, ProposalFactory


@pytest.fixture
def small(world):
    """The conftest's world with a decided approval vote: option ids in the ballots' values and
    in the stored result, voter keys, a document with a file."""
    from concertation.decisions.models import Option
    from concertation.decisions.secrecy import seal_ballots
    from concertation.knowledge.models import Document, DocumentVersion

    proposal = ProposalFactory(space=world.assembly, method="approval", options=["Parc", "Piscine", "Jardin"],
                               decided=True)
    options = list(Option.objects.filter(proposal=proposal).order_by("position"))
    keys = [str(option.pk) for option in options]
    BallotFactory(proposal=proposal, person=world.delegate, value=keys[:2], round=1)
    BallotFactory(proposal=proposal, organization=world.org, cast_by=world.delegate, value=[keys[2]], round=1)
    proposal.result = {"method": "approval", "options": {k: o.label for k, o in zip(keys, options, strict=True)},
                       "counts": {keys[0]: 1, keys[1]: 1, keys[2]: 1}, "winners": [keys[0]], "round": 1,
                       "participants": 2, "eligible": 5}
    proposal.save(update_fields=["result"])
    secret = ProposalFactory(space=world.assembly, method="approval", options=["Oui", "Non"], decided=True,
                             anonymous=True)
    secret_keys = [str(pk) for pk in Option.objects.filter(proposal=secret).values_list("pk", flat=True)]
    BallotFactory(proposal=secret, person=world.delegate, value=[secret_keys[0]], round=1)
    BallotFactory(proposal=secret, person=world.citizen, value=[secret_keys[1]], round=1)
    seal_ballots(secret, counted_keys={f"u:{world.delegate.pk}", f"u:{world.citizen.pk}"}, at=timezone.now())
    document = Document.objects.create(space=world.assembly, title="Procès-verbal", author=world.coordinator)
    version = DocumentVersion(document=document, number=1, uploaded_by=world.coordinator, size=11)
    version.file.save("pv.pdf", ContentFile(b"%PDF-1.4 ok"), save=False)
    version.save()
    world.proposal, world.secret, world.document = proposal, secret, document
    return world


def export_to(territory, path: Path) -> Path:
    export_territory(territory, path)
    return path


def rewrite(path: Path, member: str, content: bytes | None, *, fix_manifest=True, manifest=None) -> Path:
    """A copy of the archive with ``member`` replaced (None: removed), its manifest updated when
    ``fix_manifest`` (then only the content itself is wrong), or replaced by ``manifest``."""
    out = path.with_name(f"{path.stem}-changed.zip")
    with zipfile.ZipFile(path) as source:
        found = json.loads(source.read("manifest.json"))
        with zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                if name in (member, "manifest.json"):
                    continue
                target.writestr(name, source.read(name))
            if content is not None:
                target.writestr(member, content)
                if fix_manifest:
                    found["members"][member] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            target.writestr("manifest.json", json.dumps(manifest if manifest is not None else found))
    return out


def row_counts() -> dict[str, int]:
    labels = [node.label for node in territory_graph()] + ["accounts.User"]
    return {label: apps.get_model(label)._base_manager.count() for label in labels}


def media_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def wipe(territory) -> None:
    """Delete every exported row of ``territory``, children first (the audit log stays: it is
    append-only, and the import gives the territory a new id)."""
    from concertation.portability.archive import territory_rows

    data = territory_rows(territory)
    for node in reversed(territory_graph()):
        if node.label == "core.AuditEvent":
            continue
        rows = node.model._base_manager.filter(pk__in=[row["pk"] for row in data[node.label]])
        own = [name for name, target in node.foreign_keys.items() if target == node.label]
        if own:
            rows.update(**dict.fromkeys(own))
        rows.delete()
