"""The test and CI scripts: syntax, and the decisions they take without side effects."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"


def run(*args, env=None):
    return subprocess.run(
        args, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60
    )


@pytest.mark.parametrize(
    "script",
    ["scripts/test.sh", "scripts/pg-throwaway.sh", "scripts/ensure-chromium.sh", ".ci/run"],
)
def test_scripts_are_valid_bash(script):
    result = run("bash", "-n", str(ROOT / script))
    assert result.returncode == 0, result.stderr


def test_ci_runs_make_test_and_nothing_else():
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert commands[-1] == "make test"
    assert not any("pytest" in line or "ruff" in line for line in commands)


def fake_bindir(tmp_path):
    bindir = tmp_path / "pg" / "bin"
    bindir.mkdir(parents=True)
    for name in ("initdb", "pg_ctl"):
        tool = bindir / name
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    return bindir


def test_pg_throwaway_finds_the_binaries_given_in_pg_bindir(tmp_path):
    bindir = fake_bindir(tmp_path)
    result = run(
        "bash", str(SCRIPTS / "pg-throwaway.sh"), "--find-bindir", env={"PG_BINDIR": str(bindir)}
    )
    assert result.returncode == 0
    assert result.stdout.strip() == str(bindir)


def test_pg_throwaway_says_clearly_when_there_are_no_binaries(tmp_path):
    env = {"PG_BINDIR": str(tmp_path / "nowhere")}
    assert run("bash", str(SCRIPTS / "pg-throwaway.sh"), "--find-bindir", env=env).returncode == 1
    result = run("bash", str(SCRIPTS / "pg-throwaway.sh"), "true", env=env)
    assert result.returncode == 1
    assert "PostgreSQL server binaries not found" in result.stderr
    assert "DATABASE_URL" in result.stderr


def test_ensure_chromium_accepts_the_browser_in_chromium_path(tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    result = run("bash", str(SCRIPTS / "ensure-chromium.sh"), env={"CHROMIUM_PATH": str(browser)})
    assert result.returncode == 0
    assert str(browser) in result.stdout


def test_the_benchmarks_import_what_the_project_has():
    """The benchmarks run outside the test suite: a module moved in the project must not leave one
    of them stopping at its import (multihost.py once did)."""
    import ast
    import importlib

    missing = []
    for script in sorted((Path(__file__).resolve().parent.parent / "benchmarks").glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("concertation"):
                module = importlib.import_module(node.module)
                missing += [f"{script.name}: {node.module}.{alias.name}" for alias in node.names
                            if not hasattr(module, alias.name) and not _is_module(f"{node.module}.{alias.name}")]
    assert not missing


def _is_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
