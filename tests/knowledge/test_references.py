"""References (« repères », issue 15 item 4): who sees and keeps them, the bibliographic entry, web
links only, hostile text shown as text, and a list whose query count does not grow with its length."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from concertation.core.audit import AuditEvent
from concertation.core.errors import DomainError
from concertation.knowledge.bibliography import citation_html, citation_text
from concertation.knowledge.forms_references import ReferenceForm
from concertation.knowledge.models import Reference, ReferenceGroup
from concertation.knowledge.services import references as services
from tests.security.payloads import XSS, Tags

pytestmark = pytest.mark.django_db


def add(territory, title, **fields):
    fields.setdefault("group", ReferenceGroup.TOOLS)
    return services.reference_add(territory=territory, by=None, title=title, **fields)


def list_url(territory):
    return reverse("references:list", kwargs={"territory": territory.slug})


def url(name, territory, reference):
    return reverse(f"references:{name}", kwargs={"territory": territory.slug, "pk": reference.pk})


@pytest.fixture
def refs(world):
    """A reference of the territory, one of the instance, one of another territory."""
    return {
        "own": add(world.territory, "Guide du territoire", authors="Table, P.", year=2020),
        "instance": add(None, "Guide commun", authors="Réseau, R.", year=2019, group=ReferenceGroup.BASICS),
        "other": add(world.other_territory, "Guide lointain", year=2018),
    }


# Reading -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["anonymous", "outsider", "citizen", "delegate", "facilitator", "coordinator",
                                  "admin"])
def test_the_list_of_a_territory_with_a_public_space_is_open_to_all(world, refs, client_for, kind):
    response = client_for(world.users[kind]).get(list_url(world.territory))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Guide du territoire" in body and "Guide commun" in body
    assert "Guide lointain" not in body  # never another territory's


@pytest.mark.parametrize("kind,status", [("anonymous", 302), ("outsider", 404), ("coordinator", 404),
                                         ("foreigner", 200), ("admin", 200)])
def test_the_list_of_a_members_only_territory_is_for_its_members(world, refs, client_for, kind, status):
    response = client_for(world.users[kind]).get(list_url(world.other_territory))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if status == 200:
        body = response.content.decode()
        assert "Guide lointain" in body and "Guide commun" in body
        assert "Guide du territoire" not in body


def test_each_reference_says_whose_it_is(world, refs, client_for):
    body = client_for(world.citizen).get(list_url(world.territory)).content.decode()
    own = body[body.index(f'id="repere-{refs["own"].pk}"'):]
    instance = body[body.index(f'id="repere-{refs["instance"].pk}"'):]
    assert own[:own.index("</li>")].count("Choisi par le territoire") == 1
    assert instance[:instance.index("</li>")].count("Commun à tous les territoires") == 1


def test_the_groups_come_in_their_order_and_the_territory_first(world, refs, client_for):
    add(None, "Outil commun", group=ReferenceGroup.TOOLS)
    add(world.territory, "Plus loin", group=ReferenceGroup.FURTHER)
    body = client_for(world.citizen).get(list_url(world.territory)).content.decode()
    positions = [body.index(text) for text in ("Outils pratiques", "Guide du territoire", "Outil commun",
                                               "Illustrations concrètes", "Références de base", "Guide commun",
                                               "Pour aller plus loin", "Plus loin</cite>")]
    assert positions == sorted(positions)


def test_filter_by_kind_and_words(world, refs, client_for):
    add(world.territory, "Une démarche à Montréal", kind="example", note="Un **exemple** de quartier.")
    client = client_for(world.citizen)
    body = client.get(list_url(world.territory), {"type": "example"}).content.decode()
    assert "Une démarche à Montréal" in body and "Guide du territoire" not in body
    body = client.get(list_url(world.territory), {"q": "quartier"}).content.decode()
    assert "Une démarche à Montréal" in body and "Guide commun" not in body
    body = client.get(list_url(world.territory), {"q": "réseau"}).content.decode()  # the authors too
    assert "Guide commun" in body and "Guide du territoire" not in body
    body = client.get(list_url(world.territory), {"type": "<script>", "q": "x" * 500}).content.decode()
    assert "Aucun repère ne correspond" in body


def test_an_empty_list_says_what_it_will_hold(world, client_for):
    body = client_for(world.coordinator).get(list_url(world.territory)).content.decode()
    assert "Aucun repère pour l'instant" in body
    assert reverse("references:add", kwargs={"territory": world.territory.slug}) in body


def test_the_territory_page_links_to_the_references(world, client_for):
    body = client_for(None).get(reverse("spaces:territory", kwargs={"territory": world.territory.slug})).content
    assert list_url(world.territory).encode() in body


# Keeping -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,own,instance", [
    ("anonymous", 302, 302), ("outsider", 404, 404), ("citizen", 404, 404), ("delegate", 404, 404),
    ("facilitator", 404, 404), ("foreigner", 404, 404), ("coordinator", 200, 404), ("admin", 200, 200),
])
def test_who_may_edit(world, refs, client_for, kind, own, instance):
    client = client_for(world.users[kind])
    for name in ("edit", "delete"):
        assert client.get(url(name, world.territory, refs["own"])).status_code == own
        assert client.get(url(name, world.territory, refs["instance"])).status_code == instance
    assert client.get(reverse("references:add", kwargs={"territory": world.territory.slug})).status_code == own


@pytest.mark.parametrize("kind", ["coordinator", "admin"])
def test_another_territorys_reference_is_never_reached_from_this_one(world, refs, client_for, kind):
    client = client_for(world.users[kind])
    for name in ("edit", "delete"):
        assert client.get(url(name, world.territory, refs["other"])).status_code == 404
    response = client.post(url("delete", world.territory, refs["other"]))
    assert response.status_code == 404
    assert Reference.objects.filter(pk=refs["other"].pk).exists()


def form_data(**overrides):
    data = {"group": "tools", "kind": "guide", "title": "Guide ajouté", "authors": "Lavoie, A.", "year": "2021",
            "publisher": "Éditions du quartier", "pages": "p. 10-20", "url": "https://example.org/guide",
            "language": "fr", "note": "Pour **préparer** une rencontre."}
    data.update(overrides)
    return data


def test_a_coordinator_adds_a_reference_to_the_territory_only(world, client_for):
    client = client_for(world.coordinator)
    response = client.post(reverse("references:add", kwargs={"territory": world.territory.slug}),
                           form_data(instance_wide="on"))
    assert response.status_code == 302
    reference = Reference.objects.get(title="Guide ajouté")
    assert reference.territory == world.territory  # the instance's choice is not offered to a coordinator
    assert reference.position == 1
    assert AuditEvent.objects.filter(action="reference.added", target_id=reference.pk,
                                     territory_id=world.territory.pk).exists()


def test_an_administrator_adds_an_instance_reference(world, client_for):
    client = client_for(world.admin)
    page = client.get(reverse("references:add", kwargs={"territory": world.territory.slug})).content.decode()
    assert 'name="instance_wide"' in page
    client.post(reverse("references:add", kwargs={"territory": world.territory.slug}), form_data(instance_wide="on"))
    assert Reference.objects.get(title="Guide ajouté").territory is None
    other = client_for(world.foreigner).get(list_url(world.other_territory)).content.decode()
    assert "Guide ajouté" in other


def test_a_coordinator_edits_and_deletes(world, refs, client_for):
    client = client_for(world.coordinator)
    response = client.post(url("edit", world.territory, refs["own"]), form_data(title="Nouveau titre"))
    assert response.status_code == 302
    refs["own"].refresh_from_db()
    assert refs["own"].title == "Nouveau titre" and refs["own"].territory == world.territory
    assert client.post(url("delete", world.territory, refs["own"])).status_code == 302
    assert not Reference.objects.filter(pk=refs["own"].pk).exists()


@pytest.mark.parametrize("kind", ["citizen", "outsider", "facilitator"])
def test_refused_writes_change_nothing(world, refs, client_for, kind):
    client = client_for(world.users[kind])
    before = list(Reference.objects.order_by("pk").values_list())
    assert client.post(reverse("references:add", kwargs={"territory": world.territory.slug}),
                       form_data()).status_code == 404
    for reference in refs.values():
        for name in ("edit", "delete", "move"):
            assert client.post(url(name, world.territory, reference),
                               {**form_data(), "direction": "up"}).status_code == 404
    assert list(Reference.objects.order_by("pk").values_list()) == before


def test_a_coordinator_cannot_touch_the_instances_references(world, refs, client_for):
    client = client_for(world.coordinator)
    assert client.post(url("edit", world.territory, refs["instance"]), form_data()).status_code == 404
    assert client.post(url("delete", world.territory, refs["instance"])).status_code == 404
    assert Reference.objects.get(pk=refs["instance"].pk).title == "Guide commun"


def test_moving_within_the_group(world, client_for):
    first, second, third = (add(world.territory, f"Repère {n}") for n in (1, 2, 3))
    client = client_for(world.coordinator)
    client.post(url("move", world.territory, third), {"direction": "up"})
    order = list(Reference.objects.filter(territory=world.territory).order_by("position").values_list("title",
                                                                                                     flat=True))
    assert order == ["Repère 1", "Repère 3", "Repère 2"]
    client.post(url("move", world.territory, first), {"direction": "up"})  # already first: nothing moves
    client.post(url("move", world.territory, first), {"direction": "sideways"})
    assert list(Reference.objects.filter(territory=world.territory).order_by("position").values_list(
        "title", flat=True)) == ["Repère 1", "Repère 3", "Repère 2"]
    assert second.pk


def test_a_reference_changing_group_goes_last_there(world):
    add(world.territory, "Déjà là", group=ReferenceGroup.FURTHER)
    moving = add(world.territory, "Qui change")
    moved = services.reference_update(reference=moving, by=None, group=ReferenceGroup.FURTHER)
    assert moved.position == 2


# Links: web addresses only ------------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "javascript:alert(1)", "JavaScript:window.__xss++", " javascript:alert(1)", "data:text/html,<script>x</script>",
    "vbscript:msgbox(1)", "ftp://example.org/guide.pdf", "file:///etc/passwd",
])
def test_only_web_links_are_accepted(world, address):
    form = ReferenceForm(form_data(url=address))
    assert not form.is_valid() and "url" in form.errors
    with pytest.raises(DomainError):
        add(world.territory, "Lien piégé", url=address)
    with pytest.raises(ValidationError):
        Reference(territory=world.territory, title="x", url=address).full_clean()


def test_the_database_refuses_a_script_link(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(territory=world.territory, title="x", url="javascript:alert(1)")


def test_an_address_without_scheme_becomes_https():
    form = ReferenceForm(form_data(url="example.org/guide"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["url"] == "https://example.org/guide"


def test_invisible_characters_are_refused_in_single_line_fields():
    form = ReferenceForm(form_data(title="Guide\u202eexe.fdp", authors="Roy\u200b, A."))
    assert not form.is_valid()
    assert {"title", "authors"} <= set(form.errors)


# The bibliographic entry --------------------------------------------------------------------------

def entry(**fields):
    values = {"title": "Concertation et partenariat", "authors": "Bourque, D.", "year": 2008,
              "publisher": "Presses de l'Université du Québec", "pages": "chapitre 2",
              "url": "https://www.puq.ca/"}
    values.update(fields)
    return Reference(**values)


def test_the_entry_in_french():
    assert citation_text(entry(), "fr") == (
        "Bourque, D. (2008). Concertation et partenariat. Presses de l'Université du Québec. "
        "À lire\u00a0: chapitre 2. https://www.puq.ca/")


def test_the_entry_in_english():
    assert citation_text(entry(), "en") == (
        "Bourque, D. (2008). Concertation et partenariat. Presses de l'Université du Québec. "
        "To read: chapitre 2. https://www.puq.ca/")


def test_the_entry_follows_the_active_language():
    with translation.override("en"):
        assert "(n.d.)" in citation_text(entry(year=None))
    with translation.override("fr-ca"):
        assert "(s.\u00a0d.)" in citation_text(entry(year=None))


def test_an_entry_without_author_starts_with_its_title():
    assert citation_text(entry(authors="", publisher="", pages="", url="", title="Agir ensemble?"), "fr") == \
        "Agir ensemble? (2008)."


def test_the_html_entry_puts_the_title_in_italics_and_links_the_address():
    html = str(citation_html(entry(), "fr"))
    assert "<cite>Concertation et partenariat</cite>" in html
    assert '<a href="https://www.puq.ca/" rel="noopener noreferrer nofollow">https://www.puq.ca/</a>' in html
    assert "Presses de l&#x27;Université du Québec" in html


def test_the_html_entry_escapes_everything_and_never_links_a_script():
    html = str(citation_html(entry(title=XSS["script"], authors=XSS["img_onerror"], publisher=XSS["attr_double"],
                                   pages=XSS["js_link"], url="javascript:window.__xss++"), "fr"))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;" in html


# Hostile input ------------------------------------------------------------------------------------

class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.script_text, self.in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        self.in_script = tag == "script"

    def handle_data(self, data):
        if self.in_script:
            self.script_text.append(data)

    def handle_endtag(self, tag):
        self.in_script = False


def dangers(html: str) -> list[str]:
    parser = Elements()
    parser.feed(html)
    found = [f"script text {text[:40]!r}" for text in parser.script_text if "__xss" in text or "alert(" in text]
    for tag, attrs in parser.found:
        if tag in {"iframe", "object", "embed", "base", "svg", "math", "img", "style", "noscript"}:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            address = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name.startswith("hx-on") or name == "hx-vals":
                found.append(f"<{tag}> {name}")
            if name in {"href", "src", "action", "formaction"} and address.startswith(("javascript:", "vbscript:",
                                                                                       "data:")):
                found.append(f"<{tag}> {name}={value!r}")
    return found


def hostile_reference(territory, tags: Tags):
    return Reference.objects.create(
        territory=territory, group=ReferenceGroup.ILLUSTRATIONS, kind="example",
        title=tags.value("Reference.title", 300), authors=tags.value("Reference.authors", 300),
        publisher=tags.value("Reference.publisher", 200), pages=tags.value("Reference.pages", 100),
        note=tags.value("Reference.note", 1000),
        url="https://example.org/?q=%22%3E%3Cscript%3Ewindow.__xss++%3C/script%3E&x=\"><img src=x onerror=a()>",
    )


def test_hostile_text_in_every_field_is_shown_as_text(world, client_for):
    tags = Tags()
    reference = hostile_reference(world.territory, tags)
    hostile_reference(None, tags)
    client = client_for(world.admin)
    pages = [list_url(world.territory), url("edit", world.territory, reference),
             url("delete", world.territory, reference)]
    seen = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert dangers(html) == [], page
        seen |= {tag for tag in tags.fields if tag in html}
    assert seen == set(tags.fields)  # every field was on a page, so none escaped the check


# Query counts -------------------------------------------------------------------------------------

def queries_for(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("kind", ["anonymous", "citizen", "coordinator", "admin"])
def test_the_list_costs_the_same_at_two_sizes(world, client_for, kind, django_assert_max_num_queries):
    client = client_for(world.users[kind])
    for n in range(3):
        add(world.territory if n % 2 else None, f"Petit {n}", group=ReferenceGroup.values[n % 4])
    small = queries_for(client, list_url(world.territory))
    for n in range(60):
        add(world.territory if n % 2 else None, f"Grand {n}", group=ReferenceGroup.values[n % 4],
            note=f"Une note **{n}**.", url=f"https://example.org/{n}", kind=["guide", "tool", "example"][n % 3])
    add(world.other_territory, "Ailleurs")
    large = queries_for(client, list_url(world.territory))
    assert small == large
    with django_assert_max_num_queries(12):
        client.get(list_url(world.territory), {"type": "guide", "q": "Grand"})


def test_an_article_puts_its_journal_in_italics():
    reference = entry(kind="article", title="Intervention communautaire et développement des communautés",
                      year=2012, publisher="Reflets, 18(1)", pages="p. 40-60", url="https://doi.org/10.7202/1012331ar")
    assert citation_text(reference, "fr") == (
        "Bourque, D. (2012). Intervention communautaire et développement des communautés. Reflets, 18(1). "
        "À lire\u00a0: p. 40-60. https://doi.org/10.7202/1012331ar")
    html = str(citation_html(reference, "fr"))
    assert "<cite>Reflets, 18(1)</cite>" in html and "<cite>Intervention" not in html


def test_the_entry_keeps_no_break_spaces_and_squashes_line_breaks():
    text = citation_text(entry(title="Concertation\u00a0:\n  entre   levier", pages=""), "fr")
    assert "Concertation\u00a0: entre levier" in text


def test_the_language_of_a_resource_is_said_when_it_is_not_the_pages(world, client_for):
    add(world.territory, "Community guide", language="en")
    add(world.territory, "Guía", language="other")
    add(world.territory, "Guide en français")
    body = client_for(world.citizen).get(list_url(world.territory)).content.decode()
    assert body.count("En anglais") == 1 and body.count("Dans une autre langue") == 1
    assert "En français" not in body


def test_a_long_note_is_refused_by_the_service_too(world):
    with pytest.raises(DomainError):
        add(world.territory, "Trop long", note="x" * 1001)


def test_the_page_in_english_writes_entries_the_english_way(world, client_for):
    add(world.territory, "Sans date", authors="Roy, A.", pages="chapitre 2")
    world.citizen.preferred_language = "en"
    world.citizen.save(update_fields=["preferred_language"])
    body = client_for(world.citizen).get(list_url(world.territory)).content.decode()
    assert '<html lang="en"' in body
    assert "Roy, A. (n.d.). <cite>Sans date</cite>. To read: chapitre 2." in body


def test_the_list_reads_the_same_queries_with_no_reference_and_with_some(world, client_for):
    """Issue 20: the count and the page's rows are one query, so an empty list costs what a full one does."""
    client = client_for(world.users["coordinator"])
    empty = queries_for(client, list_url(world.territory))
    add(world.territory, "Un repère", group=ReferenceGroup.values[0], note="Une note.")
    assert queries_for(client, list_url(world.territory)) == empty


@pytest.mark.parametrize("page", ["", "1", "2", "0", "-1", "abc", "99999999999999999999999"])
def test_any_page_number_shows_a_page_as_the_paginator_would(world, client_for, page):
    for n in range(3):
        add(world.territory, f"Repère {n}", group=ReferenceGroup.values[n % 4])
    response = client_for(world.users["coordinator"]).get(list_url(world.territory), {"page": page})
    assert response.status_code == 200
    html = response.content.decode()
    assert all(f"Repère {n}" in html for n in range(3))
