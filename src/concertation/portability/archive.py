"""The archive of one territory: writing it, and reading it back with every check made before
anything is imported.

A zip file:
- ``manifest.json``: the format and its version, the app's version, the migrations applied to the
  exporting database (every app), the territory, counts, and the SHA-256 and size of every other
  member;
- ``people.json``: the people the territory's rows name (no password: see docs/deployment.md);
- ``data/<app.Model>.json``: the rows of each exported model (``graph.territory_graph``);
- ``files/<storage name>``: the uploaded files those rows name (documents' versions…).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from .graph import PEOPLE, TERRITORY, Node, territory_graph
from .rows import ArchiveError, Context, is_file, read_rows, translate

FORMAT = "concertation-territory"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PEOPLE_MEMBER = "people.json"
PERSON_FIELDS = ("email", "display_name", "preferred_language", "shown_publicly", "is_active", "date_joined")
CHUNK = 1 << 20
# A data member is read into memory: its size is the manifest's word, which a hand-made archive
# chooses (a few megabytes of zip may inflate to gigabytes), so it is bounded here too.
MAX_JSON_BYTES = 512 << 20

Progress = Callable[[int, int], None]


def app_version() -> str:
    try:
        return version("concertation")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown"


def migration_state() -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def data_member(node: Node) -> str:
    return f"data/{node.label}.json"


def _queryset(node: Node, territory):
    manager = node.model._base_manager
    if node.path == "pk":
        return manager.filter(pk=territory.pk)
    if node.path.endswith("_id") and "__" not in node.path:
        return manager.filter(**{node.path: territory.pk})
    return manager.filter(**{node.path: territory})


def territory_rows(territory) -> dict[str, list[dict]]:
    """Every exported model's rows of ``territory``, by label, in the graph's order."""
    return {node.label: read_rows(node, _queryset(node, territory)) for node in territory_graph()}


def people_rows(data: dict[str, list[dict]]) -> list[dict]:
    """The people the rows name (foreign keys, voter keys, audit details), without passwords."""
    from django.contrib.auth import get_user_model

    named: set[int] = set()

    def record(label, value):
        if label == PEOPLE:
            named.add(value)
        return value

    ctx = Context(resolve=record)
    for node in territory_graph():
        for row in data[node.label]:
            translate(node, row, ctx)
    rows = []
    for values in get_user_model()._base_manager.filter(pk__in=named).order_by("pk").values_list("pk", *PERSON_FIELDS):
        person = dict(zip(PERSON_FIELDS, values[1:], strict=True))
        person["date_joined"] = person["date_joined"].isoformat()
        rows.append({"pk": values[0], "fields": person})
    return rows


def file_names(data: dict[str, list[dict]]) -> list[str]:
    names = set()
    for node in territory_graph():
        columns = [f.name for f in node.model._meta.concrete_fields if is_file(f)]
        for row in data[node.label]:
            names.update(row["fields"][c] for c in columns if row["fields"].get(c))
    return sorted(names)


def _json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=None).encode("utf-8")


def export_territory(territory, path: str | Path, *, progress: Progress | None = None) -> dict:
    """Write the archive of ``territory`` to ``path``; returns its manifest."""
    data = territory_rows(territory)
    people = people_rows(data)
    files = file_names(data)
    for name in files:
        if not default_storage.exists(name):
            raise ArchiveError(_("Le fichier « %(name)s » manque dans le stockage : l'export est "
                                 "arrêté.") % {"name": name})
    members: dict[str, dict] = {}
    total, done = len(data) + 1 + len(files), 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, content: bytes) -> None:
            nonlocal done
            archive.writestr(name, content)
            members[name] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            done += 1
            if progress:
                progress(done, total)

        put(PEOPLE_MEMBER, _json_bytes(people))
        for label, rows in data.items():
            put(f"data/{label}.json", _json_bytes(rows))
        for name in files:
            digest, size = hashlib.sha256(), 0
            with default_storage.open(name, "rb") as source, archive.open(f"files/{name}", "w") as target:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
            members[f"files/{name}"] = {"sha256": digest.hexdigest(), "size": size}
            done += 1
            if progress:
                progress(done, total)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": app_version(),
            "created_at": timezone.now().isoformat(),
            "territory": {"slug": territory.slug, "name": territory.name},
            "migrations": migration_state(),
            "counts": {**{label: len(rows) for label, rows in data.items()}, PEOPLE: len(people),
                       "files": len(files)},
            "members": members,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2))
    return manifest


@dataclass
class Archive:
    """A checked archive: its manifest, rows and people; its files are read from ``path``."""

    path: Path
    manifest: dict
    data: dict[str, list[dict]] = field(default_factory=dict)
    people: list[dict] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.manifest["territory"]["slug"]

    @property
    def files(self) -> list[str]:
        return sorted(name.removeprefix("files/") for name in self.manifest["members"] if name.startswith("files/"))


def _refuse_damaged(detail: str) -> ArchiveError:
    return ArchiveError(_("Cette archive est incomplète ou a été modifiée (%(detail)s) : rien n'a été "
                          "importé.") % {"detail": detail})


def _check_versions(manifest: dict) -> None:
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("format_version"), int):
        raise ArchiveError(_("Ce fichier n'est pas une archive de territoire de Concertation."))
    if manifest["format_version"] > FORMAT_VERSION:
        raise ArchiveError(_("Cette archive vient d'une version plus récente de Concertation (format "
                             "%(theirs)s, cette instance lit jusqu'au format %(ours)s) : mettez d'abord "
                             "l'instance à jour.") % {"theirs": manifest["format_version"], "ours": FORMAT_VERSION})
    applied = {(app, name) for app, names in migration_state().items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, names in (manifest.get("migrations") or {}).items()
                     for name in names if (app, name) not in applied)
    if unknown:
        raise ArchiveError(_("Cette archive vient d'une version plus récente de Concertation (%(version)s) : "
                             "migrations inconnues ici : %(migrations)s. Mettez d'abord l'instance à jour "
                             "(concertation migrate).") % {"version": manifest.get("app_version", "?"),
                                                           "migrations": ", ".join(unknown[:5])})


def _check_member(archive: zipfile.ZipFile, name: str, expected: dict) -> bytes | None:
    """Hash one member (kept in memory when it is JSON)."""
    digest, size, kept = hashlib.sha256(), 0, []
    declared = expected.get("size")
    if not isinstance(declared, int) or declared < 0 or (not name.startswith("files/") and declared > MAX_JSON_BYTES):
        raise _refuse_damaged(_("taille invalide pour %(name)s") % {"name": name})
    with archive.open(name) as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if size > expected.get("size", 0):  # never read past what the manifest declares
                break
            if not name.startswith("files/"):
                kept.append(chunk)
    if digest.hexdigest() != expected.get("sha256") or size != expected.get("size"):
        raise _refuse_damaged(_("empreinte différente pour %(name)s") % {"name": name})
    return b"".join(kept) if not name.startswith("files/") else None


def _parse(name: str, content: bytes):
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refuse_damaged(_("JSON illisible dans %(name)s") % {"name": name}) from None


def _check_rows(archive: Archive) -> None:
    counts = archive.manifest.get("counts", {})
    unknown = sorted(set(archive.data) - {node.label for node in territory_graph()})
    if unknown:
        raise ArchiveError(_("Cette archive contient des données inconnues ici (%(models)s) : elle vient "
                             "d'une version plus récente de Concertation.") % {"models": ", ".join(unknown)})
    for node in territory_graph():
        rows = archive.data[node.label]
        if counts.get(node.label) != len(rows):
            raise _refuse_damaged(_("nombre de lignes différent pour %(name)s") % {"name": node.label})
        known = {f.name for f in node.model._meta.concrete_fields}
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("fields"), dict) or "pk" not in row:
                raise _refuse_damaged(_("ligne mal formée dans %(name)s") % {"name": node.label})
            extra = set(row["fields"]) - known
            if extra:
                raise ArchiveError(_("Cette archive contient des champs inconnus ici (%(fields)s) : elle vient "
                                     "d'une version plus récente de Concertation.")
                                   % {"fields": ", ".join(sorted(f"{node.label}.{f}" for f in extra))})
    if len(archive.data[TERRITORY]) != 1:
        raise _refuse_damaged(_("aucun territoire"))


def read_archive(path: str | Path, *, progress: Progress | None = None) -> Archive:
    """Open and check an archive: readable, of a format and migrations this instance knows, every
    member present, unchanged (SHA-256) and well-formed. Raises ``ArchiveError`` otherwise."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if MANIFEST not in names:
                raise _refuse_damaged(_("pas de manifeste"))
            manifest = _parse(MANIFEST, archive.read(MANIFEST))
            if not isinstance(manifest, dict):
                raise _refuse_damaged(_("manifeste mal formé"))
            try:
                _check_versions(manifest)
            except (AttributeError, TypeError, ValueError):
                raise _refuse_damaged(_("manifeste mal formé")) from None
            members = manifest.get("members") or {}
            if not isinstance(members, dict) or not all(isinstance(v, dict) for v in members.values()):
                raise _refuse_damaged(_("manifeste mal formé"))
            expected = {PEOPLE_MEMBER} | {data_member(node) for node in territory_graph()}
            missing = sorted((expected | set(members)) - names)
            if missing:
                raise _refuse_damaged(_("membre manquant : %(name)s") % {"name": missing[0]})
            unlisted = sorted((names - {MANIFEST}) - set(members))
            if unlisted or not expected <= set(members):
                raise _refuse_damaged(_("membre non déclaré : %(name)s")
                                      % {"name": (unlisted or sorted(expected - set(members)))[0]})
            result = Archive(path=Path(path), manifest=manifest)
            for done, name in enumerate(sorted(members), start=1):
                content = _check_member(archive, name, members[name])
                if name == PEOPLE_MEMBER:
                    result.people = _parse(name, content)
                elif name.startswith("data/"):
                    result.data[name.removeprefix("data/").removesuffix(".json")] = _parse(name, content)
                if progress:
                    progress(done, len(members))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError) as exc:
        raise _refuse_damaged(str(exc) or type(exc).__name__) from None
    if result.manifest.get("counts", {}).get(PEOPLE) != len(result.people):
        raise _refuse_damaged(_("nombre de personnes différent"))
    _check_rows(result)
    return result
