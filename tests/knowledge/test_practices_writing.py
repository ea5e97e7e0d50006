"""Writing practice sheets: the template's guiding questions (fr and en), « Dupliquer », tags, the
linked activity (kept by planning), the PDF, and the pages' query budgets at two sizes."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from concertation.core.errors import DomainError
from concertation.knowledge.models import PracticeSheet
from concertation.knowledge.practice_template import guiding_questions
from concertation.knowledge.services import practices as services
from concertation.planning.models import ActivityPracticeSheet
from tests.knowledge.conftest import make_sheet

pytestmark = pytest.mark.django_db


def add_url(world, **query):
    base = reverse("practices:add", kwargs={"territory": world.territory.slug})
    return base + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def sheet_url(sheet, name="sheet"):
    return reverse(f"practices:{name}", kwargs={"territory": sheet.territory.slug, "pk": sheet.pk})


# The template -------------------------------------------------------------------------------------

def test_a_new_sheet_starts_from_the_guiding_questions_in_french(world, client_for):
    form = client_for(world.citizen).get(add_url(world)).context["form"]
    assert form.initial["context"].startswith("_Où et quand cela s'est-il passé?")
    assert "Quelles difficultés avez-vous rencontrées?" in form.initial["pitfalls"]
    assert set(form.initial) >= {"context", "objectives", "actors", "steps", "resources", "results", "what_worked",
                                 "pitfalls", "conditions"}


def test_a_new_sheet_starts_from_the_guiding_questions_in_the_persons_language(world, client_for):
    world.citizen.preferred_language = "en"
    world.citizen.save(update_fields=["preferred_language"])
    response = client_for(world.citizen).get(add_url(world))
    assert '<html lang="en"' in response.content.decode() and ">Cancel<" in response.content.decode()
    form = response.context["form"]
    with translation.override("en"):
        english = guiding_questions()
    # The English catalog gets these strings when the lead merges docs/i18n-pending/knowledge-practices.po:
    # until then gettext gives the French source, and the form still follows the person's language.
    assert form.initial["context"] == english["context"]
    assert form.initial["steps"] == english["steps"]


def test_the_guiding_questions_render_as_text_on_the_sheet(world, client_for):
    client = client_for(world.citizen)
    client.post(add_url(world), {"title": "Avec les questions", "audience": "territory", **guiding_questions()})
    sheet = PracticeSheet.objects.get(title="Avec les questions")
    body = client.get(sheet_url(sheet)).content.decode()
    assert "<em>Où et quand cela s" in body and "<h2 id=\"section-context\">" in body


# Dupliquer ----------------------------------------------------------------------------------------

def test_duplicate_starts_a_new_draft_from_a_sheet(world, sheets, client_for):
    source = sheets["public"]
    client = client_for(world.citizen)
    form = client.get(add_url(world, depuis=source.pk)).context["form"]
    assert form.initial["title"] == "Fiche publique (copie)"
    assert form.initial["steps"] == source.steps
    assert form.initial["tags"] == "logement, porte-à-porte"
    assert "contact_name" not in form.initial
    data = {key: value for key, value in form.initial.items() if value is not None}
    response = client.post(add_url(world), {**data, "audience": "territory"})
    copy = PracticeSheet.objects.get(title="Fiche publique (copie)")
    assert response.status_code == 302
    assert (copy.author, copy.status, copy.steps, copy.tags) == (world.citizen, "draft", source.steps, source.tags)
    assert PracticeSheet.objects.filter(pk=source.pk, title="Fiche publique").exists()


def test_duplicate_refuses_a_sheet_the_person_may_not_read(world, sheets, client_for):
    assert client_for(world.citizen).get(add_url(world, depuis=sheets["draft"].pk)).status_code == 404


# Tags and states ----------------------------------------------------------------------------------

def test_tags_are_normalized():
    assert services.normalize_tags(" Logement,  droits des   LOCATAIRES ;logement\nA|b") == \
        "|logement|droits des locataires|a b|"
    assert services.normalize_tags(" , ") == ""
    with pytest.raises(DomainError):
        services.normalize_tags(",".join(f"mot{number}" for number in range(13)))


def test_the_list_filters_by_tag_and_by_space(world, sheets, client_for):
    client = client_for(world.coordinator)
    list_url = reverse("practices:list", kwargs={"territory": world.territory.slug})
    body = client.get(list_url, {"mot": "porte-à-porte"}).content.decode()
    assert "Fiche publique" in body and "Fiche du territoire" not in body
    body = client.get(list_url, {"espace": world.assembly.slug}).content.decode()
    assert "Fiche du territoire" in body and "Fiche publique" not in body and "Brouillon secret" not in body
    body = client.get(list_url, {"mot": "inconnu"}).content.decode()  # an unknown tag: no filter
    assert "Fiche publique" in body and "Fiche du territoire" in body


def test_publishing_twice_is_refused(world, sheets):
    with pytest.raises(DomainError):
        services.sheet_publish(sheet=sheets["public"], by=world.delegate)
    with pytest.raises(DomainError):
        services.sheet_unpublish(sheet=sheets["draft"], by=world.delegate)


def test_a_space_of_another_territory_is_refused(world):
    with pytest.raises(DomainError):
        make_sheet(world.territory, world.delegate, space=world.other_space)


def test_changing_the_audience_of_a_published_sheet_is_logged(world, sheets):
    from concertation.core.models import AuditEvent

    sheet = sheets["territory"]
    services.sheet_update(sheet=sheet, by=world.coordinator, data={"audience": "public"}, tags="")
    event = AuditEvent.objects.filter(action="practice_sheet.published", target_id=sheet.pk).latest("id")
    assert event.details == {"sheet_audience": "public"} and event.actor == world.coordinator


# The linked activity ------------------------------------------------------------------------------

def test_the_form_offers_the_territorys_activities_and_links_one(world, client_for, activity):
    client = client_for(world.citizen)
    form = client.get(add_url(world, action=activity.pk)).context["form"]
    assert form.initial["activity"] == activity.pk
    assert (activity.pk, "Clinique locataires hebdomadaire (Plan de quartier)") in form.fields["activity"].choices
    client.post(add_url(world), {"title": "Liée", "audience": "territory", "activity": activity.pk})
    sheet = PracticeSheet.objects.get(title="Liée")
    assert ActivityPracticeSheet.objects.get(sheet=sheet).activity == activity
    body = client.get(sheet_url(sheet)).content.decode()
    assert "Action liée" in body and f"#activity-{activity.pk}" in body
    # Unlinked by choosing none.
    client.post(sheet_url(sheet, "edit"), {"title": "Liée", "audience": "territory", "activity": ""})
    assert not ActivityPracticeSheet.objects.filter(sheet=sheet).exists()


def test_an_activity_of_another_territory_cannot_be_linked(world, activity):
    sheet = make_sheet(world.other_territory, world.foreigner)
    with pytest.raises(DomainError):
        services.sheet_update(sheet=sheet, by=world.foreigner, data={}, activity_id=activity.pk)


def test_the_plan_page_shows_the_activitys_sheets_and_offers_to_write_one(world, client_for, activity):
    published = make_sheet(world.territory, world.delegate, title="Fiche liée publiée", status="published")
    draft = make_sheet(world.territory, world.delegate, title="Fiche liée en brouillon")
    for sheet in (published, draft):
        services.sheet_update(sheet=sheet, by=world.delegate, data={}, activity_id=activity.pk)
    plan = activity.strategy.plan
    plan_url = reverse("planning:plan", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                                "plan": plan.pk})
    body = client_for(world.citizen).get(plan_url).content.decode()
    assert "Fiche liée publiée" in body and "Fiche liée en brouillon" not in body
    assert f"fiches/nouvelle/?action={activity.pk}" in body
    body = client_for(world.delegate).get(plan_url).content.decode()
    assert "Fiche liée en brouillon" in body
    body = client_for(None).get(plan_url).content.decode()
    assert "Fiche liée publiée" not in body and "fiches/nouvelle/" not in body


def test_the_territory_page_links_the_list(world, client_for):
    body = client_for(None).get(reverse("spaces:territory", kwargs={"territory": world.territory.slug}))
    assert reverse("practices:list", kwargs={"territory": world.territory.slug}) in body.content.decode()


# The PDF ------------------------------------------------------------------------------------------

def test_the_pdf_carries_the_sections(world, client_for, activity):
    sheet = make_sheet(world.territory, world.delegate, title="Clinique locataires", status="published",
                       audience="public", what_worked="L'interprétation en arabe et en espagnol.",
                       contact_name="Comité logement", contact_phone="514 555-0101")
    services.sheet_update(sheet=sheet, by=world.delegate, data={}, tags="logement", activity_id=activity.pk)
    response = client_for(None).get(sheet_url(sheet, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Clinique locataires", "Contexte", "Étapes", "Accueillir", "Ce qui a bien fonctionné",
                     "interprétation en arabe", "Comité logement", "514 555-0101", "Action liée",
                     "Clinique locataires hebdomadaire", "logement"):
        assert expected in text, expected
    assert "Objectifs" not in text  # an empty section is left out


# Query budgets ------------------------------------------------------------------------------------

def _populate(world, activity, count):
    for number in range(count):
        sheet = make_sheet(world.territory, world.delegate, title=f"Fiche {number}", status="published",
                           space=world.assembly if number % 2 else world.committee, tags=f"logement, mot {number}")
        services.sheet_update(sheet=sheet, by=world.delegate, data={}, tags=f"logement, mot {number}",
                              activity_id=activity.pk)
    # The discussion on the (published) sheet's page: comments and replies, more at the larger size.
    from concertation.knowledge.discussions_registry import target
    from concertation.knowledge.services.discussions import comment_post

    for number in range(count):
        for author in (world.delegate, world.citizen, world.coordinator):
            first = comment_post(entry=target("practice_sheet"), obj=sheet, author=author, body=f"Avis {number}.")
            comment_post(entry=target("practice_sheet"), obj=sheet, author=world.citizen, body="Réponse.", parent=first)
    return sheet


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_read_the_same_number_of_queries_at_two_sizes(world, client_for, activity, html_pdf):
    client = client_for(world.citizen)
    list_url = reverse("practices:list", kwargs={"territory": world.territory.slug})
    plan = activity.strategy.plan
    plan_url = reverse("planning:plan", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                                "plan": plan.pk})
    sheet = _populate(world, activity, 3)
    small = [_count(client, url) for url in (list_url, sheet_url(sheet), sheet_url(sheet, "pdf"), plan_url)]
    sheet = _populate(world, activity, 45)
    large = [_count(client, url) for url in (list_url, sheet_url(sheet), sheet_url(sheet, "pdf"), plan_url)]
    assert small == large
    assert max(small[:3]) <= 15


def test_an_activity_the_person_does_not_see_is_neither_shown_nor_changed(world, client_for):
    from datetime import date

    from concertation.planning import services as planning

    plan = planning.plan_create(space=world.committee, title="Plan du comité", starts_on=date(2025, 1, 1),
                                ends_on=date(2030, 12, 31))
    priority = planning.priority_add(plan=plan, title="Priorité")
    objective = planning.objective_add(priority=priority, title="Objectif")
    strategy = planning.strategy_add(plan=plan, objective=objective, title="Stratégie")
    hidden = planning.activity_add(strategy=strategy, title="Action du comité")
    sheet = make_sheet(world.territory, world.citizen, title="Fiche de la citoyenne")
    services.sheet_update(sheet=sheet, by=world.coordinator, data={}, activity_id=hidden.pk)

    client = client_for(world.citizen)
    form = client.get(sheet_url(sheet, "edit")).context["form"]
    assert "activity" not in form.fields  # not offered: the citizen neither sees nor changes it
    response = client.post(sheet_url(sheet, "edit"), {"title": "Renommée", "audience": "territory", "activity": ""})
    assert response.status_code == 302
    assert ActivityPracticeSheet.objects.get(sheet=sheet).activity == hidden
    # The sheet does not name an activity of a plan the citizen may not see; the coordinator's does.
    assert "Action du comité" not in client.get(sheet_url(sheet)).content.decode()
    assert "Action du comité (Plan du comité)" in client_for(world.coordinator).get(sheet_url(sheet)).content.decode()
