"""The meetings app keeps its layers: views are thin (short, no writes through the ORM), writes live in
meetings/services/, no module grows past the size where it should become a package, the quorum is
built in one place, and tests do not reach into the views' private helpers.

Read from the source (AST), without importing it: a new view that breaks a rule fails here with its
file, line and name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import concertation.meetings

APP = Path(concertation.meetings.__file__).parent
TESTS = Path(__file__).resolve().parent.parent
VIEW_MAX_LINES = 60
MODULE_MAX_LINES = 500
# Calls that write through the ORM (a queryset's or a model instance's).
WRITES = {"save", "create", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}


def _python_files(folder: Path):
    return sorted(path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _writes_in(function: ast.AST) -> list[str]:
    """The ORM writes a function calls: ``x.save()``, ``Model.objects.create()``, ``qs.delete()``…, and
    ``.update()`` on a queryset (``Model.objects….update()``, not a dict's)."""
    found = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        receiver = ast.unparse(node.func.value)
        if name in WRITES or (name == "update" and ".objects" in receiver):
            found.append(f"{receiver}.{name}() line {node.lineno}")
    return found


def test_views_are_short_and_write_nothing_through_the_orm():
    problems = []
    for path in _python_files(APP / "views"):
        for function in _functions(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(APP)}:{function.lineno} {function.name}"
            length = function.end_lineno - function.lineno + 1
            if length > VIEW_MAX_LINES:
                problems.append(f"{where}: {length} lines (at most {VIEW_MAX_LINES})")
            problems += [f"{where}: writes {call}" for call in _writes_in(function)]
    assert not problems, "\n".join(problems)


def test_the_layering_check_sees_writes_and_long_views():
    """The check above would see what it forbids (it is not vacuous)."""
    source = "def view(request):\n    Meeting.objects.create(title='x')\n    item.save()\n" \
             "    Rsvp.objects.filter(pk=1).update(answer='yes')\n    context.update(a=1)\n"
    writes = _writes_in(ast.parse(source))
    assert [call.rsplit(" line ", 1)[0] for call in writes] == [
        "Meeting.objects.create()", "item.save()", "Rsvp.objects.filter(pk=1).update()"]
    long_view = next(_functions(ast.parse("def view(request):\n" + "    x = 1\n" * VIEW_MAX_LINES)))
    assert long_view.end_lineno - long_view.lineno + 1 > VIEW_MAX_LINES


def test_writes_live_in_the_service_modules():
    """Outside meetings/services/ (where services/votes.py records the decisions taken in a meeting,
    counted by decisions) nothing writes: the notices go through the notifications layer (events.py
    only calls notify())."""
    writers: set = set()
    problems = []
    for path in _python_files(APP):
        if path in writers or "services" in path.relative_to(APP).parts:
            continue
        for function in _functions(ast.parse(path.read_text(), str(path))):
            problems += [f"{path.relative_to(APP)}:{function.lineno} {function.name}: writes {call}"
                         for call in _writes_in(function)]
    assert not problems, "\n".join(problems)


def test_no_meetings_module_is_past_the_size_of_a_package():
    sizes = {path.relative_to(APP): len(path.read_text().splitlines()) for path in _python_files(APP)}
    assert {path: lines for path, lines in sizes.items() if lines > MODULE_MAX_LINES} == {}


def test_the_quorum_is_built_in_one_place():
    """Only attendance.py computes a meeting's quorum from the charter's rules; everyone else asks
    ``quorum_for_meeting`` (or ``ensure_quorum``)."""
    builders = {"compute_meeting_quorum", "rules_from_charter", "college_names_for"}
    callers = set()
    for path in _python_files(APP):
        if path.name == "attendance.py" and path.parent == APP:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Name) and node.id in builders:
                callers.add(f"{path.relative_to(APP)}:{node.lineno} {node.id}")
            if isinstance(node, ast.Attribute) and node.attr in builders:
                callers.add(f"{path.relative_to(APP)}:{node.lineno} {node.attr}")
    assert not callers, sorted(callers)


def test_no_test_imports_a_private_helper_of_the_meetings_views():
    private = []
    for path in _python_files(TESTS):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("concertation.meetings.views"):
                private += [f"{path.relative_to(TESTS)}:{node.lineno} {alias.name}" for alias in node.names
                            if alias.name.startswith("_")]
    assert not private, private
