"""Import a territory's archive into this instance: all or nothing.

The archive is checked whole first (``archive.read_archive``); then, in one transaction, its files
are written to the storage, its people matched by e-mail (or created, without a password), and its
rows written in the graph's order with new primary keys, every reference translated
(``rows.translate``). A failure rolls the rows back and removes the files already written.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .archive import Archive, Progress, read_archive
from .graph import PEOPLE, TERRITORY, Node, territory_graph
from .rows import MISSING, ArchiveError, Context, decode, is_file, translate


class _Maps:
    """Old primary key → new one, per model label."""

    def __init__(self):
        self.maps: dict[str, dict] = {}

    def resolve(self, label, value):
        return self.maps.get(label, {}).get(value, MISSING)

    def put(self, label, old, new):
        self.maps.setdefault(label, {})[old] = new


def _options_of(archive: Archive) -> dict:
    options: dict = {}
    for row in archive.data.get("decisions.Option", []):
        options.setdefault(row["fields"]["proposal"], set()).add(str(row["pk"]))
    return options


def _self_ordered(node: Node, rows: list[dict]) -> list[dict]:
    """Rows whose self-reference (a space's parent, a reply's comment) comes before them."""
    own = [name for name, target in node.foreign_keys.items() if target == node.label]
    if not own:
        return rows
    pending, placed, ordered = list(rows), set(), []
    while pending:
        ready = [r for r in pending if all(r["fields"].get(n) in (None, *placed) for n in own)]
        if not ready:  # a reference to a row that is not in the archive: translate() reports it
            ready = pending
        for row in ready:
            ordered.append(row)
            placed.add(row["pk"])
        pending = [r for r in pending if r["pk"] not in placed]
    return ordered


def _people(archive: Archive, maps: _Maps) -> int:
    """Match the archive's people by e-mail; create the others without a usable password."""
    from concertation.accounts.services import email_mark_verified

    User = get_user_model()
    created = 0
    for row in archive.people:
        fields = row["fields"]
        email = (fields.get("email") or "").strip().lower()
        if not email:
            raise ArchiveError(_("Une personne de l'archive n'a pas d'adresse courriel."))
        person = User.objects.filter(email__iexact=email).first()
        if person is None:
            person = User(email=email, display_name=fields.get("display_name", ""),
                          preferred_language=fields.get("preferred_language") or User._meta.get_field(
                              "preferred_language").default,
                          shown_publicly=bool(fields.get("shown_publicly")),
                          is_active=fields.get("is_active", True))
            if fields.get("date_joined"):
                person.date_joined = parse_datetime(fields["date_joined"])
            person.set_unusable_password()
            person.save()
            email_mark_verified(person)
            created += 1
        maps.put(PEOPLE, row["pk"], person.pk)
    return created


def _write_files(archive: Archive, written: list[str]) -> dict[str, str]:
    """Copy the archive's files into the storage; their names may change (one already there)."""
    renamed = {}
    with zipfile.ZipFile(archive.path) as source:
        for name in archive.files:
            with source.open(f"files/{name}") as content:
                try:
                    stored = default_storage.save(name, content)
                except SuspiciousFileOperation:
                    raise ArchiveError(_("Cette archive est incomplète ou a été modifiée (%(detail)s) : rien "
                                         "n'a été importé.") % {"detail": name}) from None
            written.append(stored)
            renamed[name] = stored
    return renamed


def _fresh_tokens(node: Node, values: dict) -> None:
    """A copy beside its original (``--as-slug``) draws new values for the instance-wide unique
    tokens already taken (a meeting's calendar UID, an invitation's token, a ballot's receipt)."""
    for f in node.model._meta.concrete_fields:
        if f.unique and not f.primary_key and callable(f.default) and values.get(f.attname) is not None:
            if node.model._base_manager.filter(**{f.attname: values[f.attname]}).exists():
                values[f.attname] = f.default()


def _insert(node: Node, row: dict, ctx: Context, renamed: dict[str, str], slug: str, copy: bool):
    fields = translate(node, row, ctx, late=False)
    values = {}
    for f in node.model._meta.concrete_fields:
        if f.primary_key or f.name not in fields:
            continue
        value = None if f.name in node.deferred else fields[f.name]
        if is_file(f) and value:
            if value not in renamed:
                raise ArchiveError(_("Cette archive est incomplète ou a été modifiée (%(detail)s) : rien "
                                     "n'a été importé.") % {"detail": f"files/{value}"})
            value = renamed[value]
        values[f.attname] = decode(f, value)
    if node.label == TERRITORY:
        values["slug"] = slug
    if copy:
        _fresh_tokens(node, values)
    instance = node.model(**values)
    # A column derived from another (a proposal's turnout, from its result) is computed here, not
    # read from the archive: an archive written before the column existed has none.
    if hasattr(instance, "keep_turnout"):
        instance.keep_turnout()
    instance.save_base(raw=True, force_insert=True)
    return instance.pk


def _finish(archive: Archive, maps: _Maps, ctx: Context) -> None:
    """Write what needed every row: foreign keys closing a cycle, ids inside JSON columns."""
    for node in territory_graph():
        for row in archive.data[node.label]:
            changes = translate(node, row, ctx, late=True)
            for name in node.deferred:
                value = row["fields"].get(name)
                changes[node.model._meta.get_field(name).attname] = (
                    None if value is None else ctx.resolve(node.foreign_keys[name], value))
            changes = {k: v for k, v in changes.items() if v is not MISSING and v != row["fields"].get(k)}
            if changes:
                node.model._base_manager.filter(pk=maps.resolve(node.label, row["pk"])).update(**changes)


def import_territory(path: str | Path, *, as_slug: str | None = None, progress: Progress | None = None):
    """Import the archive at ``path``; returns the new territory. Raises ``ArchiveError`` with
    nothing imported (no row, no file) when the archive or this instance refuses it."""
    from concertation.directory.models import Territory
    from concertation.search import index as search_index
    from concertation.search import signals as search_signals

    archive = read_archive(path)
    slug = as_slug or archive.slug
    copy = bool(as_slug) and as_slug != archive.slug
    if Territory.objects.filter(slug=slug).exists():
        raise ArchiveError(_("Un territoire « %(slug)s » existe déjà dans cette instance : rien n'a été "
                             "importé. Choisissez un autre identifiant avec --as-slug.") % {"slug": slug})
    maps = _Maps()
    ctx = Context(resolve=maps.resolve, options_of=_options_of(archive), orphan=0)
    written: list[str] = []
    total = sum(len(rows) for rows in archive.data.values())
    done = 0
    try:
        with transaction.atomic(), search_signals.paused():  # the index is rebuilt at the end
            renamed = _write_files(archive, written)
            _people(archive, maps)
            for node in territory_graph():
                for row in _self_ordered(node, archive.data[node.label]):
                    maps.put(node.label, row["pk"], _insert(node, row, ctx, renamed, slug, copy))
                    done += 1
                    if progress and (done % 200 == 0 or done == total):
                        progress(done, total)
            _finish(archive, maps, ctx)
            territory = Territory.objects.get(slug=slug)
            # The search index is derived: built for the new territory from its restored rows.
            search_index.rebuild(territory.pk)
    except IntegrityError as exc:
        _remove(written)
        raise ArchiveError(_("L'archive entre en conflit avec des données de cette instance (%(detail)s) : "
                             "rien n'a été importé.") % {"detail": str(exc).splitlines()[0][:200]}) from None
    except (ValidationError, ValueError, TypeError, KeyError, DatabaseError) as exc:
        # Values of the wrong type in a row whose hashes match: an archive made by hand.
        _remove(written)
        raise ArchiveError(_("Cette archive est incomplète ou a été modifiée (%(detail)s) : rien n'a été "
                             "importé.") % {"detail": str(exc).splitlines()[0][:200] if str(exc) else
                                             type(exc).__name__}) from None
    except BaseException:
        _remove(written)
        raise
    return territory


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
