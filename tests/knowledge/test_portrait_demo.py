"""The demo territory has its portrait: five themes, two census years to compare, sources with links,
and the plan citing some of its figures."""

import pytest
from django.urls import reverse

from concertation.demo.loader import load_demo
from concertation.knowledge.models import Figure
from concertation.planning.models import Indicator, Objective

pytestmark = pytest.mark.django_db


def test_the_demo_portrait_compares_two_censuses_and_the_plan_cites_it(client):
    load_demo()
    figures = Figure.objects.filter(territory__slug="pointe-aux-herons")
    assert figures.count() >= 20
    assert set(figures.values_list("theme", flat=True)) == {
        "Population", "Revenu et pauvreté", "Logement", "Scolarité", "Santé"}
    assert set(figures.values_list("year", flat=True)) == {2016, 2021}
    assert not figures.filter(source="").exists() and not figures.filter(source_url="").exists()
    assert figures.get(label="Population totale", year=2021, geography="Pointe-aux-Hérons").value == 38200
    assert Objective.objects.filter(figures__isnull=False).distinct().count() == 2
    assert Indicator.objects.filter(figures__label__startswith="Sorties sans diplôme").exists()
    body = client.get(reverse("portrait:index", kwargs={"territory": "pointe-aux-herons"})).content.decode()
    assert body.count('<svg class="portrait-chart"') == 5
    # The demo's portrait came in as one import: one line in the journal, with its numbers.
    from concertation.accounts.models import User
    from concertation.demo.loader import ACCOUNT_EMAILS

    client.force_login(User.objects.get(email=ACCOUNT_EMAILS["coordinator"]))
    journal = client.get(reverse("spaces:audit_log", kwargs={"territory": "pointe-aux-herons"})).content.decode()
    assert "Chiffres du portrait importés" in journal and "Chiffres du portrait cités" in journal
    load_demo()  # loading again changes nothing
    assert figures.count() == 26
