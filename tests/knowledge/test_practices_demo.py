"""The demo territory has the practice sheet « Clinique locataires », published to the public and
linked to the plan's weekly tenants' clinic, and one draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concertation.demo.loader import TERRITORY_SLUG, load_demo
from concertation.knowledge.models import PracticeSheet
from concertation.planning.models import ActivityPracticeSheet

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_clinique_locataires_sheet(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    sheet = PracticeSheet.objects.get(territory__slug=TERRITORY_SLUG, title="Clinique locataires")
    assert (sheet.status, sheet.audience, sheet.space.slug) == ("published", "public", "habiter-dignement")
    assert ActivityPracticeSheet.objects.get(sheet=sheet).activity.title == "Clinique locataires hebdomadaire"
    assert PracticeSheet.objects.filter(territory__slug=TERRITORY_SLUG, status="draft").count() == 1

    # Readable signed out, from the list and in PDF.
    listing = client.get(reverse("practices:list", kwargs={"territory": TERRITORY_SLUG})).content.decode()
    assert "Clinique locataires" in listing and "Halte-garderie" not in listing
    page = client.get(reverse("practices:sheet", kwargs={"territory": TERRITORY_SLUG, "pk": sheet.pk}))
    assert page.status_code == 200 and "Ce qui a bien fonctionné" in page.content.decode()
    # The plan's page (the assembly is public) lists the sheet under its activity.
    plan = ActivityPracticeSheet.objects.get(sheet=sheet).activity.strategy.plan
    plan_page = client.get(reverse("planning:plan", kwargs={"territory": TERRITORY_SLUG,
                                                            "space": plan.space.slug, "plan": plan.pk}))
    assert plan_page.status_code == 200 and f"fiches/{sheet.pk}/" in plan_page.content.decode()
