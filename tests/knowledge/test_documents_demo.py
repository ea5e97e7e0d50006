"""The demo territory has a document library (issue 15): the portrait's diagnosis (public, two
versions), a funding report for the territory's members, a working group's members-only list, a link;
and the agenda's documents, which live in the library too."""

from __future__ import annotations

import pytest

from concertation.demo.loader import load_demo
from concertation.knowledge.models import Document

pytestmark = pytest.mark.django_db


def test_the_demo_library():
    load_demo()
    library = Document.objects.filter(agenda_items__isnull=True)
    portrait = library.get(kind="portrait")
    assert portrait.visibility == "public" and portrait.space.slug == "assemblee-des-partenaires"
    assert list(portrait.versions.values_list("number", flat=True)) == [2, 1]
    assert portrait.versions.first().file.read().startswith(b"%PDF-1.4")
    assert library.get(kind="funding").visibility == "territory"
    members_only = library.get(visibility="space")
    assert members_only.space.slug == "habiter-dignement" and members_only.versions.count() == 1
    assert library.filter(url__startswith="https://").count() == 1
    assert Document.objects.filter(agenda_items__isnull=False).count() == 4
