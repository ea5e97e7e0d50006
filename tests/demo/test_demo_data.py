"""The demo's data files (demo/data/): shipped with the package, and every person, organization and
date they name resolves."""

import re
import tomllib
from datetime import date
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pytest

from concertation.demo.context import ACCOUNT_EMAILS, data, demo_emails, email_for, organizations
from concertation.demo.timeline import RELATIVE, Timeline

FILES = sorted(path.stem for path in (resources.files("concertation.demo") / "data").iterdir()
               if path.name.endswith(".toml"))
PEOPLE_KEYS = {"person", "presenter", "facilitator", "secretary", "who", "citizens", "late", "author", "by"}
ORGANIZATION_KEYS = {"org", "organization", "presenter_org", "present", "observers", "members", "lead", "co_leads",
                     "partners", "responsible", "recusals", "conflicts", "delegate_of"}
RELATIVE_TOKEN = re.compile(r"\{([+-]?\d+w [a-z]{3})(?::[a-z+\-1]+)?\}")


def walk(value, key=""):
    """(key, string) for every string of a data file, with the key it is found under."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from walk(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)
    elif isinstance(value, str):
        yield key, value


def test_the_data_files_are_shipped_with_the_package():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["concertation"]
    assert FILES == ["accounts", "announcements", "charters", "decisions", "insights_assessment",
                     "knowledge_discussions", "knowledge_documents",
                     "knowledge_portrait", "knowledge_practices", "knowledge_references", "meetings", "plan", "roles",
                     "spaces",
                     "territory"]
    assert all(any(fnmatch(f"demo/data/{name}.toml", pattern) for pattern in patterns) for name in FILES)


@pytest.mark.parametrize("name", FILES)
def test_every_name_and_date_of_the_data_resolves(name):
    people, keys = demo_emails(), set(organizations())
    timeline = Timeline(date(2027, 3, 14))
    for key, value in walk(data(name)):
        if key in PEOPLE_KEYS or value.startswith(("delegate:", "alternate:")):
            # A person is an e-mail, a delegate or alternate, or a demo account's kind ("citizen").
            assert email_for(ACCOUNT_EMAILS.get(value, value)).lower() in people, (name, key, value)
        if key in ORGANIZATION_KEYS:
            assert value in keys, (name, key, value)
        if RELATIVE.match(value):
            assert timeline.resolve(value), value
        for token in RELATIVE_TOKEN.findall(value):
            assert timeline.resolve(token)
        assert not re.search(r"\{(\d{4}-\d{2}|[+-]?\d+[wdq])", timeline.text(value)), (name, value)
