"""Hostile input through every text field of a practice sheet (tests/security/payloads.py): the page,
the list and the PDF show it as text, never as markup that could run. The Chromium part is
tests/browser/test_knowledge_practices.py."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from concertation.knowledge.models import PracticeSheet
from concertation.knowledge.models.practices import SECTIONS
from tests.security.payloads import LOOKALIKE, REVERSED, Tags
from tests.security.test_hostile_input import dangerous_markup

pytestmark = pytest.mark.django_db

LIMITS = {"title": 200, "contact_name": 200, "contact_phone": 40, "tags": 500}


def hostile_form(tags: Tags) -> dict:
    data = {name: tags.value(f"PracticeSheet.{name}") for name, _label in SECTIONS}
    for name, limit in LIMITS.items():
        data[name] = tags.value(f"PracticeSheet.{name}", limit)
    data["contact_email"] = "clinique@example.org"
    data["audience"] = "public"
    return data


def hostile_sheet(world, client_for) -> tuple[PracticeSheet, Tags]:
    tags = Tags()
    client = client_for(world.delegate)
    response = client.post(reverse("practices:add", kwargs={"territory": world.territory.slug}), hostile_form(tags))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    sheet = PracticeSheet.objects.get()
    client.post(reverse("practices:publish", kwargs={"territory": world.territory.slug, "pk": sheet.pk}))
    sheet.refresh_from_db()
    assert sheet.is_public
    return sheet, tags


def between(html: str, start: str, end: str) -> str:
    found = re.search(re.escape(start) + r".*?" + re.escape(end), html, re.S)
    assert found, start
    return found.group()


def test_every_field_is_shown_as_text_on_the_page_and_the_list(world, client_for):
    sheet, tags = hostile_sheet(world, client_for)
    client = client_for(None)
    page = client.get(reverse("practices:sheet", kwargs={"territory": world.territory.slug, "pk": sheet.pk}))
    html = page.content.decode()
    article = between(html, '<article class="practice-sheet">', "</article>")
    assert dangerous_markup(article) == []
    title = between(html, "<title>", "</title>")
    assert "<" not in title[len("<title>"):-len("</title>")]
    shown = {tag for tag in tags.fields if tag in article}
    assert shown == set(tags.fields), sorted(tags.fields[tag] for tag in set(tags.fields) - shown)

    listing = client.get(reverse("practices:list", kwargs={"territory": world.territory.slug})).content.decode()
    main = between(listing, "<main", "</main>")
    # The filter form is the page's own (a <form> and its fields); nothing else may be markup.
    main = re.sub(r'<form method="get" class="filter-bar".*?</form>', "", main, flags=re.S)
    assert dangerous_markup(main) == []
    assert tags.fields and any(tag in main for tag in tags.fields)


def test_the_filter_options_keep_hostile_tags_as_text(world, client_for):
    hostile_sheet(world, client_for)
    listing = client_for(None).get(reverse("practices:list", kwargs={"territory": world.territory.slug}))
    form = between(listing.content.decode(), '<form method="get" class="filter-bar"', "</form>")
    elements = [item for item in dangerous_markup(form) if not item.startswith(("<form", "<input"))]
    assert elements == []
    assert "xsstag" in form  # the hostile tags are offered, as text


def test_the_pdf_holds_the_hostile_text_as_text(world, client_for):
    sheet, tags = hostile_sheet(world, client_for)
    response = client_for(None).get(reverse("practices:pdf", kwargs={"territory": world.territory.slug,
                                                                     "pk": sheet.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "xsstag001" in text  # the first section's tag, as text
    assert "<script>window.__xss++</script>" in text.replace("\n", "")  # printed, not interpreted


def test_the_pdf_html_is_escaped(world, client_for, html_pdf):
    sheet, tags = hostile_sheet(world, client_for)
    html = client_for(None).get(reverse("practices:pdf", kwargs={"territory": world.territory.slug,
                                                                 "pk": sheet.pk})).content.decode()
    body = between(html, "<body>", "</body>")
    assert dangerous_markup(body) == []
    assert {tag for tag in tags.fields if tag in body} == set(tags.fields)


@pytest.mark.parametrize("field", ["title", "contact_name", "contact_phone"])
@pytest.mark.parametrize("value", [LOOKALIKE, REVERSED])
def test_invisible_characters_are_refused_in_single_line_fields(world, client_for, field, value):
    data = {"title": "Clinique", "audience": "territory", field: value}
    response = client_for(world.delegate).post(reverse("practices:add", kwargs={"territory": world.territory.slug}),
                                               data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not PracticeSheet.objects.exists()


def test_a_script_address_is_not_an_email(world, client_for):
    data = {"title": "Clinique", "audience": "territory", "contact_email": "javascript:alert(1)"}
    response = client_for(world.delegate).post(reverse("practices:add", kwargs={"territory": world.territory.slug}),
                                               data)
    assert response.status_code == 400 and "contact_email" in response.context["form"].errors
