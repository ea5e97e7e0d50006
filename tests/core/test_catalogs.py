"""The translation catalogs are complete, keep their placeholders, and their .mo files match the .po.

Standard library only: a small .po reader, and gettext for the compiled .mo files.
"""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "concertation" / "locale"
LANGUAGES = ["en", "fr_CA"]
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr]|\{nbsp\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted string: {text!r}"
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file (the header included, obsolete ones left out)."""
    entries, entry, field = [], None, None

    def close():
        nonlocal entry, field
        if entry is not None and "msgid" in entry:
            entries.append(entry)
        entry, field = None, None

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if isinstance(field, int):
                entry["msgstr"][field] += _unquote(line)
            else:
                entry[field] += _unquote(line)
        else:
            keyword, _, value = line.partition(" ")
            if "msgid" in entry and keyword in ("msgctxt", "msgid") and entry["msgstr"]:
                close()  # a new entry without a blank line before it
                entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": {}}
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if match:
                field = int(match.group(1) or 0)
                entry["msgstr"][field] = _unquote(value)
            else:
                assert keyword in ("msgctxt", "msgid", "msgid_plural"), f"{path}: unexpected line {line!r}"
                field = keyword
                entry[field] = _unquote(value)
    close()
    return entries


def messages(language: str) -> list[dict]:
    """The translatable entries, the header left out."""
    return [entry for entry in read_po(LOCALE / language / "LC_MESSAGES" / "django.po") if entry["msgid"]]


def pairs(entry: dict):
    """(source, translation) pairs: msgstr[0] translates msgid, the other forms msgid_plural."""
    for index, translation in sorted(entry["msgstr"].items()):
        yield (entry["msgid"] if index == 0 or entry["msgid_plural"] is None else entry["msgid_plural"]), translation


def is_translated(entry: dict) -> bool:
    return "fuzzy" not in entry["flags"] and bool(entry["msgstr"]) and all(entry["msgstr"].values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    entries = messages(language)
    assert len(entries) > 100
    untranslated = [entry["msgid"] for entry in entries if not all(entry["msgstr"].values())]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert not untranslated, f"{language}: {len(untranslated)} empty msgstr, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy entries (not compiled), e.g. {fuzzy[:5]}"
    plural_forms = [entry["msgid"] for entry in entries if entry["msgid_plural"] and len(entry["msgstr"]) != 2]
    assert not plural_forms, f"{language}: plural entries without exactly two forms: {plural_forms[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_tags(language):
    wrong = []
    for entry in messages(language):
        for source, translation in pairs(entry):
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(translation)):
                wrong.append(f"placeholders: {source!r} -> {translation!r}")
            if sorted(TAG.findall(source)) != sorted(TAG.findall(translation)):
                wrong.append(f"HTML tags: {source!r} -> {translation!r}")
            if source.count("%%") != translation.count("%%") and "python-format" in entry["flags"]:
                wrong.append(f"%%: {source!r} -> {translation!r}")
    assert not wrong, "\n".join(wrong)


def test_french_catalog_is_its_own_source():
    for entry in messages("fr_CA"):
        assert entry["msgstr"][0] == entry["msgid"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_po(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    expected = {}
    for entry in messages(language):
        if not is_translated(entry):
            continue
        key = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            expected[key] = entry["msgstr"][0]
        else:
            for index, translation in entry["msgstr"].items():
                expected[(key, index)] = translation
    compiled = {key: value for key, value in compiled.items() if key != ""}  # "" is the header
    count = len({key[0] if isinstance(key, tuple) else key for key in compiled})
    translated = sum(is_translated(entry) for entry in messages(language))
    assert count == translated, (
        f"{language}: the .mo holds {count} messages, the .po {translated} translated ones: run compilemessages"
    )
    stale = [key for key, value in expected.items() if compiled.get(key) != value]
    assert not stale, f"{language}: the .mo is older than the .po (run compilemessages), e.g. {stale[:3]}"


def test_no_translated_string_hides_inside_an_f_string():
    """makemessages does not read gettext calls inside f-strings: such a string never reaches the
    catalogs and stays French on English pages (the live page's badges once did)."""
    import ast
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "concertation"
    found = []
    for path in src.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in {
                        "_", "gettext", "ngettext", "pgettext", "gettext_lazy", "gettext_noop"}:
                    found.append(f"{path.relative_to(src)}:{inner.lineno}")
    assert not found, "gettext inside an f-string (take it out): " + ", ".join(found)


def test_no_translated_string_spells_a_character_as_an_escape():
    r"""xgettext copies ``\u00a0`` or ``\xa0`` into the msgid as written, while Python reads a no-break
    space: the two never match, and the string stays French on English pages. The character itself
    goes in the source."""
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "concertation"
    call = re.compile(r"""\b(?:_|gettext|ngettext|pgettext|gettext_lazy|gettext_noop)\(\s*(?:"[^"\n]*\\[ux][0-9a-fA-F]|'[^'\n]*\\[ux][0-9a-fA-F])""")
    found = [f"{path.relative_to(src)}:{number}"
             for path in src.rglob("*.py") if "migrations" not in path.parts
             for number, line in enumerate(path.read_text().splitlines(), 1) if call.search(line)]
    assert not found, "an escape in a translated string (write the character): " + ", ".join(found)
