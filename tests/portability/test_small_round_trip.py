"""A small territory out and back in, with the ids inside its columns (options in ballots and
results, voter keys) and its files."""

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from concertation.accounts.models import User
from concertation.decisions.models import Ballot, Option, Proposal
from concertation.directory.models import Territory
from concertation.knowledge.models import DocumentVersion
from concertation.portability.canonical import canonical_dump
from concertation.portability.restore import import_territory
from concertation.search.models import Entry

from .conftest import export_to, wipe

pytestmark = pytest.mark.django_db


def options_of_secret(territory) -> set[str]:
    return {str(pk) for pk in Option.objects.filter(proposal__space__territory=territory, proposal__anonymous=True)
            .values_list("pk", flat=True)}


def test_round_trip_with_new_ids(small, tmp_path):
    before = canonical_dump(small.territory)
    path = export_to(small.territory, tmp_path / "pointe.zip")
    original = default_storage.open(small.document.versions.get().file.name).read()
    old_options = set(Option.objects.filter(proposal__space__territory=small.territory).values_list("pk", flat=True))
    wipe(small.territory)
    small.citizen.delete()  # a person the instance no longer has: created again, without a password

    territory = import_territory(path)

    assert canonical_dump(territory) == before
    # The search index is derived: the restored territory is searchable, under its new ids.
    found = Entry.objects.filter(territory_id=territory.pk, kind__in=("proposal", "decision")).values_list(
        "object_id", flat=True)
    assert found
    assert set(found) == set(Proposal.objects.filter(space__territory=territory, status__in=("open", "closed", "draft", "decided"))
                             .values_list("pk", flat=True))
    proposal = Proposal.objects.get(space__territory=territory, anonymous=False)
    options = {str(pk) for pk in Option.objects.filter(proposal=proposal).values_list("pk", flat=True)}
    assert not options & {str(pk) for pk in old_options}
    assert set(proposal.result["options"]) == options and set(proposal.result["winners"]) <= options
    values = Ballot.objects.filter(proposal=proposal).values_list("value", "voter_key", "person", "organization")
    for value, voter_key, person, organization in values:
        assert set(value) <= options
        assert voter_key == (f"u:{person}" if person else f"o:{organization}")
    sealed = list(Ballot.objects.filter(proposal__space__territory=territory, proposal__anonymous=True)
                  .values_list("voter_key", "person", "organization", "cast_by", "value"))
    assert len(sealed) == 2 and all(key.startswith("anon:") and person is organization is cast_by is None
                                    for key, person, organization, cast_by, _ in sealed)
    assert {value[0] for *_, value in sealed} <= options_of_secret(territory)
    # The turnout columns are derived from the result on the way in (an older archive has none).
    turnouts = [((p.result or {}).get("participants"), (p.result or {}).get("eligible"),
                 p.result_participants, p.result_eligible) for p in Proposal.objects.filter(space__territory=territory)]
    assert (2, 5, 2, 5) in turnouts
    assert all((a if isinstance(a, int) else None, b if isinstance(b, int) else None) == (c, d)
               for a, b, c, d in turnouts)
    version = DocumentVersion.objects.get(document__space__territory=territory)
    assert default_storage.open(version.file.name).read() == original
    citizen = User.objects.get(email="citoyenne@example.org")
    assert not citizen.has_usable_password() and citizen.emailaddress_set.get().verified


def test_the_commands(small, tmp_path, capsys):
    path = tmp_path / "pointe.zip"
    call_command("export", "pointe-test", str(path))
    assert "pointe.zip" in capsys.readouterr().out
    call_command("import", str(path), "--as-slug", "pointe-copie")
    assert "pointe-copie" in capsys.readouterr().out
    assert Territory.objects.filter(slug="pointe-copie").exists()


def test_the_operators_language_comes_from_the_terminal(monkeypatch):
    from concertation.portability.management.commands._operator import operator_language

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert operator_language() == "fr-ca"
    monkeypatch.setenv("LANG", "en_CA.UTF-8")
    assert operator_language() == "en"
    monkeypatch.setenv("LC_ALL", "fr_CA.UTF-8")
    assert operator_language() == "fr-ca"
    assert operator_language("en") == "en"


def test_a_terminal_sees_a_progress_line():
    import io

    from django.core.management.base import OutputWrapper

    from concertation.portability.management.commands._operator import ProgressLine

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    line = ProgressLine(OutputWrapper(screen), "Export")
    line(1, 2)
    line(2, 2)
    assert screen.getvalue() == "\rExport 1/2\rExport 2/2\n"
    quiet = io.StringIO()
    ProgressLine(OutputWrapper(quiet), "Export")(1, 2)
    assert quiet.getvalue() == ""
