"""Lower layers never name higher ones: core knows no app, spaces knows no decisions, meetings or planning.

The apps register what core needs (audit actions, the way to a territory) from their own
``AppConfig.ready()``; these tests read the sources and fail on an import or a name that crept back.
"""

import ast
import re
from pathlib import Path

import pytest

from concertation.core import audit
from concertation.core.models import AuditEvent

SRC = Path(__file__).resolve().parents[2] / "src" / "concertation"
APPS_ABOVE_CORE = ("accounts", "notifications", "directory", "spaces", "knowledge", "decisions", "meetings", "planning", "search", "insights", "public", "api", "portability", "home", "demo")
APPS_ABOVE_NOTIFICATIONS = ("directory", "spaces", "knowledge", "decisions", "meetings", "planning", "search", "insights", "public", "api", "portability", "home", "demo")
APPS_ABOVE_SPACES = ("knowledge", "decisions", "meetings", "planning", "search", "insights", "public", "api", "portability", "home", "demo")
APPS_ABOVE_KNOWLEDGE = ("decisions", "meetings", "planning", "search", "insights", "public", "api", "portability", "home", "demo")


def sources(app: str):
    for path in sorted((SRC / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


def code_strings(text: str) -> set[str]:
    """The string constants of a module's code, its docstrings left out (they may give examples)."""
    tree = ast.parse(text)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}


def imports_of(apps) -> re.Pattern:
    names = "|".join(apps)
    # `import concertation.spaces`, `from concertation.spaces.x import`, `from ..spaces import`, apps.get_model("spaces", …)
    return re.compile(rf"concertation\.({names})\b|from \.\.+({names})\b|get_model\(\s*[\"']({names})[\"']")


def labels_of(apps) -> re.Pattern:
    names = "|".join(apps)
    # A model label ("directory.territory"), a permission ("spaces.view_space"), a URL namespace ("meetings:detail").
    return re.compile(rf"[\"']({names})[.:][a-z_]")


@pytest.mark.parametrize("app, above", [("core", APPS_ABOVE_CORE), ("notifications", APPS_ABOVE_NOTIFICATIONS),
                                        ("spaces", APPS_ABOVE_SPACES), ("knowledge", APPS_ABOVE_KNOWLEDGE)])
def test_a_lower_app_imports_no_higher_one(app, above):
    pattern = imports_of(above)
    found = [f"{path.relative_to(SRC)}: {match.group(0)}" for path, text in sources(app)
             for match in pattern.finditer(text)]
    assert found == []


@pytest.mark.parametrize("app, above", [("core", APPS_ABOVE_CORE), ("notifications", APPS_ABOVE_NOTIFICATIONS),
                                        ("spaces", APPS_ABOVE_SPACES), ("knowledge", APPS_ABOVE_KNOWLEDGE)])
def test_a_lower_app_names_no_model_permission_or_url_of_a_higher_one(app, above):
    pattern = labels_of(above)
    files = list(sources(app))
    files += [(path, path.read_text(encoding="utf-8")) for path in sorted((SRC / "templates" / app).rglob("*.html"))]
    found = [f"{path.relative_to(SRC)}: {match.group(0)}" for path, text in files for match in pattern.finditer(text)]
    assert found == []


def test_core_names_no_action_or_relation_the_apps_register():
    """The apps' audit actions and relation names live in their apps.py, not in core."""
    others = [key for key, _label in audit.action_choices() if key != audit.ACCESS_DENIED]
    assert "membership.added" in others and "plan.revised" in others  # the apps did register theirs
    names = others + list(audit._relations)
    assert "space" in names
    found = [f"{path.relative_to(SRC)}: {name}" for path, text in sources("core")
             for strings in [code_strings(text)] for name in names if {name, f"{name}_id"} & strings]
    assert found == []


def test_every_action_written_in_the_sources_is_registered():
    """A typo in a key would only fail when the action happens: every literal key is checked here."""
    written = set()
    for path in SRC.rglob("*.py"):
        written |= set(re.findall(r"(?:audit\.)?record\(\s*action=\"([^\"]+)\"", path.read_text(encoding="utf-8")))
    assert {"membership.added", "proposal.closed", "minutes.adopted", "plan.revised", "account.erased"} <= written
    assert sorted(key for key in written if not audit.is_action(key)) == []


@pytest.mark.django_db
def test_the_log_shows_the_label_an_app_registered_and_refuses_an_unknown_action():
    event = audit.record(action="membership.added", target_label="Carrefour")
    assert event.get_action_display() == "Membre ajouté"
    assert dict(AuditEvent._meta.get_field("action").choices)["plan.revised"] == "Plan ajusté"
    with pytest.raises(ValueError):
        audit.record(action="space.burned")
    assert not AuditEvent.objects.filter(action="space.burned").exists()
