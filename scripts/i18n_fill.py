#!/usr/bin/env python3
"""Complete the translation catalogs after `make messages` (developers only).

The UI's source language is French: every msgid is the fr-CA text.

    .venv/bin/pip install polib            # a developer tool only, not a dependency of the project
    .venv/bin/python scripts/i18n_fill.py  # then: make messages (or compilemessages)

What it does:
- fr_CA: every msgstr becomes its msgid (msgstr[0] = msgid, msgstr[1] = msgid_plural), with the
  French header (Language, Plural-Forms).
- en: fills the empty or fuzzy entries from docs/i18n-pending/*.po (and any --from FILE.po) whose
  msgid matches exactly; --override FILE.po replaces existing translations too. Fuzzy entries are
  never accepted silently: they stay listed until a translation replaces them.
- checks the en catalog: untranslated and fuzzy entries, %(name)s placeholders, {nbsp} markers, %%
  and HTML tags that differ between a msgid and its msgstr. Exits 1 if anything is left to do.

--delete-merged removes a pending file once every one of its msgids is translated in en.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path

try:
    import polib
except ImportError:  # pragma: no cover - a developer tool
    sys.exit("scripts/i18n_fill.py needs polib: .venv/bin/pip install polib")

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "concertation" / "locale"
EN = LOCALE / "en" / "LC_MESSAGES" / "django.po"
FR_CA = LOCALE / "fr_CA" / "LC_MESSAGES" / "django.po"
PENDING = ROOT / "docs" / "i18n-pending"

HEADERS = {
    "en": {"Language": "en", "Plural-Forms": "nplurals=2; plural=(n != 1);"},
    "fr_CA": {"Language": "fr_CA", "Plural-Forms": "nplurals=2; plural=(n > 1);"},
}
MARKERS = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr]|%%|\{nbsp\}|</?[a-zA-Z][^>]*>")


def markers(text: str) -> list[str]:
    return sorted(MARKERS.findall(text))


def fix_header(po: polib.POFile, lang: str) -> None:
    po.metadata.update({"Project-Id-Version": "concertation", "Content-Type": "text/plain; charset=UTF-8",
                        "Content-Transfer-Encoding": "8bit", "MIME-Version": "1.0", **HEADERS[lang]})
    if po.metadata.get("Language-Team", "").startswith("LANGUAGE"):
        po.metadata["Language-Team"] = "Concertation"
    if po.metadata.get("Last-Translator", "").startswith("FULL NAME"):
        po.metadata["Last-Translator"] = "Concertation"
    if po.metadata.get("PO-Revision-Date", "").startswith("YEAR"):
        po.metadata["PO-Revision-Date"] = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M%z")
    po.metadata_is_fuzzy = False


def unfuzzy(entry: polib.POEntry) -> None:
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None


def is_translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def fill_fr_ca(path: Path = FR_CA) -> int:
    po = polib.pofile(str(path), wrapwidth=79)
    fix_header(po, "fr_CA")
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        unfuzzy(entry)
    po.save(str(path))
    return len([e for e in po if not e.obsolete])


def merge_into_en(po: polib.POFile, source: Path, *, override: bool) -> tuple[int, list[str]]:
    """Copy the translations of `source` whose msgid (and msgid_plural) match exactly."""
    index = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    merged, unknown = 0, []
    for proposal in polib.pofile(str(source)):
        if not proposal.msgid or proposal.obsolete or "fuzzy" in proposal.flags:
            continue
        entry = index.get((proposal.msgctxt, proposal.msgid))
        if entry is None or (entry.msgid_plural or "") != (proposal.msgid_plural or ""):
            unknown.append(proposal.msgid)
            continue
        if is_translated(entry) and not override:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = dict(proposal.msgstr_plural)
        else:
            entry.msgstr = proposal.msgstr
        unfuzzy(entry)
        merged += 1
    return merged, unknown


def problems(po: polib.POFile) -> list[str]:
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        label = repr(entry.msgid[:70])
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {label}")
        elif not is_translated(entry):
            found.append(f"untranslated: {label}")
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural.get(0, "")),
                     (entry.msgid_plural, entry.msgstr_plural.get(1, ""))]
        for source, translation in pairs:
            if markers(source) != markers(translation):
                found.append(f"placeholders or tags differ: {label}: {markers(source)} != {markers(translation)}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="sources", action="append", default=[], type=Path,
                        help="a .po file of English translations for the empty or fuzzy entries")
    parser.add_argument("--override", action="append", default=[], type=Path,
                        help="a .po file of English translations that replace existing ones")
    parser.add_argument("--delete-merged", action="store_true",
                        help="delete each docs/i18n-pending/*.po whose msgids are all translated in en")
    args = parser.parse_args(argv)

    print(f"fr_CA: {fill_fr_ca()} entries, each msgstr set to its msgid")

    po = polib.pofile(str(EN), wrapwidth=79)
    fix_header(po, "en")
    pending = sorted(PENDING.glob("*.po")) if PENDING.is_dir() else []
    for source, override in [(p, False) for p in pending + args.sources] + [(p, True) for p in args.override]:
        merged, unknown = merge_into_en(po, source, override=override)
        print(f"en: {merged} translations taken from {source.relative_to(ROOT) if source.is_relative_to(ROOT) else source}"
              + (f"; {len(unknown)} msgids not (or no longer) in the catalog" if unknown else ""))
        for msgid in unknown:
            print(f"    not in the catalog: {msgid[:90]!r}")
    po.save(str(EN))

    if args.delete_merged:
        translated = {(e.msgctxt, e.msgid) for e in po if is_translated(e)}
        for source in pending:
            if all((e.msgctxt, e.msgid) in translated for e in polib.pofile(str(source)) if e.msgid):
                source.unlink()
                print(f"deleted {source.relative_to(ROOT)}: all merged")

    entries = [e for e in po if not e.obsolete]
    left = problems(po)
    print(f"en: {sum(is_translated(e) for e in entries)} of {len(entries)} entries translated")
    for line in left:
        print(f"    {line}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
