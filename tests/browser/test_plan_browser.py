"""In Chromium, as the demo coordinator: a change of an adopted plan, traced to its decision.

The plan page reads as a numbered outline; its editing controls come with « Modifier le plan »
(?mode=edition), and « Ajuster le plan » on a decision's page opens them with that decision chosen.

The coordinator changes an activity's lead with a reason and the decision that authorised it, then
sees the revision in the item's history and the earlier lead in the plan "as it was" the day before;
axe-core reports no violation on any page of the way.

The plan is a small adopted plan built here on top of the demo territory (the demo's own plan de
quartier belongs to the demo loader).
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from concertation.core import formatting
from concertation.decisions.models import Proposal
from concertation.demo.loader import DEMO_PASSWORD, load_demo
from concertation.directory.models import Organization
from concertation.planning import services
from concertation.planning.models import Revision
from concertation.spaces.models import Space

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordination@demo.concertation.quebec"
TERRITORY = "pointe-aux-herons"
ASSEMBLY = "assemblee-des-partenaires"
HOUSING_COMMITTEE = "Comité logement Pointe-aux-Hérons"
CLSC = "CLSC des Hérons, CIUSSS"
FAMILY = "Carrefour familial des Hérons"


def decided(space, title, when):
    return Proposal.objects.create(
        space=space, title=title, outcome=f"{title} : adoptée.", method="consensus",
        status=Proposal.Status.DECIDED, result={"method": "consensus", "adopted": True},
        opens_at=when - timedelta(hours=2), closes_at=when - timedelta(hours=1),
        closed_at=when - timedelta(hours=1), decided_at=when,
    )


@pytest.fixture
def plan_world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    assembly = Space.objects.get(territory__slug=TERRITORY, slug=ASSEMBLY)

    def org(name):
        return Organization.objects.get(territory=assembly.territory, name=name)

    plan = services.plan_create(space=assembly, title="Plan d'essai 2026-2028", starts_on=date(2026, 1, 1),
                                ends_on=date(2028, 12, 31), vision="Des locataires mieux informés.")
    priority = services.priority_add(plan=plan, title="Habiter dignement")
    objective = services.objective_add(priority=priority, title="Prévenir les évictions")
    strategy = services.strategy_add(plan=plan, objective=objective, title="Informer les locataires de leurs droits")
    activity = services.activity_add(strategy=strategy, title="Clinique locataires", lead=org(HOUSING_COMMITTEE),
                                     co_leads=[org(FAMILY)], budget_amount="12000", funder="Centraide")
    services.activity_add(strategy=strategy, title="Porte-à-porte dans les grands ensembles", lead=org(FAMILY))
    services.strategy_add(plan=plan, title="Participation citoyenne aux assemblées")
    now = timezone.now()
    adoption = decided(assembly, "Adoption du plan d'essai", now - timedelta(days=30))
    services.plan_adopt(plan=plan, decision=adoption)
    change = decided(assembly, "Le CLSC reprend la clinique locataires", now - timedelta(days=2))
    return {"assembly": assembly, "plan": plan, "activity": activity, "change": change}


def decision_label(decision) -> str:
    with translation.override("fr-ca"):
        day = formatting.day(decision.decided_at, weekday=False)
    return f"{day} — {decision.title}"


def test_coordinator_changes_an_activity_lead_and_sees_the_revision_in_its_history(
    plan_world, signed_in_page, axe_check
):
    plan, activity, change = plan_world["plan"], plan_world["activity"], plan_world["change"]
    plan_path = f"/t/{TERRITORY}/e/{ASSEMBLY}/plan/{plan.pk}/"
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)

    page.goto(plan_path)
    expect(page.locator("h1")).to_have_text("Plan d'essai 2026-2028")
    expect(page.locator(f"#activity-{activity.pk}")).to_contain_text(HOUSING_COMMITTEE)
    expect(page.get_by_role("link", name="Modifier 1.1.1.1 Clinique locataires")).to_have_count(0)
    axe_check(page)

    page.get_by_role("link", name="Modifier le plan").click()
    axe_check(page)
    page.get_by_role("link", name="Modifier 1.1.1.1 Clinique locataires").click()
    expect(page.locator("h1")).to_contain_text("Modifier l'action")
    axe_check(page)
    page.get_by_label("Porteur", exact=True).select_option(label=CLSC)
    page.get_by_label("Raison du changement").fill(
        "Le CLSC reprend la clinique : ses intervenantes y sont déjà deux soirs par semaine."
    )
    page.get_by_label("Décision qui l'autorise").select_option(label=decision_label(change))
    page.get_by_role("button", name="Enregistrer les changements").click()

    expect(page.locator(".message-success")).to_contain_text("Clinique locataires")
    expect(page.locator(f"#activity-{activity.pk}")).to_contain_text(CLSC)
    axe_check(page)
    revision = Revision.objects.get(plan=plan)
    assert revision.diff == {"lead": [HOUSING_COMMITTEE, CLSC]}
    assert revision.decision == change and revision.author.email == COORDINATOR

    page.get_by_role("link", name="Historique — 1.1.1.1 Clinique locataires").click()
    expect(page.locator("h1")).to_contain_text("Clinique locataires")
    history = page.locator(f"#revision-{revision.pk}").locator("..")
    expect(history).to_contain_text("Action modifiée")
    expect(history.locator("del")).to_have_text(HOUSING_COMMITTEE)
    expect(history.locator("ins")).to_have_text(CLSC)
    expect(history).to_contain_text("ses intervenantes y sont déjà deux soirs par semaine")
    decision_link = history.get_by_role("link", name=change.title)
    expect(decision_link).to_have_attribute("href", f"/t/{TERRITORY}/e/{ASSEMBLY}/propositions/{change.pk}/")
    axe_check(page)

    # The plan as it was yesterday still shows the former lead.
    page.goto(plan_path)
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Voir le plan tel qu'il était le").fill(yesterday.isoformat())
    page.get_by_role("button", name="Afficher le plan à cette date").click()
    expect(page.locator("[role=status].rule-sentence")).to_contain_text("Vous voyez le plan tel qu'il était")
    expect(page.locator(f"#activity-{activity.pk}")).to_contain_text(HOUSING_COMMITTEE)
    axe_check(page)


def test_the_pages_of_the_plan_pass_axe(plan_world, signed_in_page, axe_check):
    plan, activity = plan_world["plan"], plan_world["activity"]
    draft = services.plan_create(space=plan_world["assembly"], title="Brouillon 2029-2031",
                                 starts_on=date(2029, 1, 1), ends_on=date(2031, 12, 31))
    services.priority_add(plan=draft, title="Première priorité")
    services.priority_add(plan=draft, title="Deuxième priorité")
    base = f"/t/{TERRITORY}/e/{ASSEMBLY}/plan/"
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)
    strategy_id = activity.strategy_id
    for path in [
        base, f"{base}nouveau/", f"{base}{plan.pk}/modifier/", f"{base}{plan.pk}/revisions/",
        f"{base}{plan.pk}/activity/ajouter/?parent={strategy_id}", f"{base}{plan.pk}/strategy/ajouter/",
        f"{base}{plan.pk}/activity/{activity.pk}/deplacer/?direction=down",
        f"{base}{plan.pk}/strategy/{strategy_id}/retirer/", f"{base}{plan.pk}/actions/{activity.pk}/avancement/",
        f"{base}{draft.pk}/", f"{base}{draft.pk}/adopter/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        axe_check(page)
    for path in [f"{base}{plan.pk}/", f"{base}{plan.pk}/?mode=edition",
                 f"{base}{plan.pk}/?mode=edition&decision={plan_world['change'].pk}", f"{base}{draft.pk}/?mode=edition"]:
        page.goto(path)
        axe_check(page)
    # On a draft, moving is one button, without JavaScript needed.
    page.goto(f"{base}{draft.pk}/?mode=edition")
    page.get_by_role("button", name="Descendre 1 Première priorité").click()
    expect(page.locator("h2").filter(has_text="Priorité 1 ·")).to_contain_text("Deuxième priorité")
    # A refused change keeps what was typed and says how to fix it.
    page.goto(f"{base}{plan.pk}/activity/{activity.pk}/modifier/")
    page.get_by_label("Titre").fill("Clinique locataires et juridique")
    page.get_by_role("button", name="Enregistrer les changements").click()
    expect(page.locator(".error-text")).to_contain_text("Expliquez la raison du changement")
    expect(page.get_by_label("Titre")).to_have_value("Clinique locataires et juridique")
    axe_check(page)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_plan_reads_on_a_phone(plan_world, signed_in_page, phone_page, axe_check):
    plan, activity = plan_world["plan"], plan_world["activity"]
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page)
    page.goto(f"/t/{TERRITORY}/e/{ASSEMBLY}/plan/{plan.pk}/")
    expect(page.get_by_role("heading", name="Priorité 1 · Habiter dignement")).to_be_visible()
    # An action's line opens on its particulars (no JavaScript needed: <details>).
    line = page.locator(f"#activity-{activity.pk}")
    expect(line.get_by_text("Centraide")).to_be_hidden()
    line.locator("summary").click()
    expect(line.get_by_text("Centraide")).to_be_visible()
    assert fits_the_screen(page)
    axe_check(page)
    # The demo's own plan, whole, and the edit mode fit a 375 px screen too.
    from concertation.planning.models import Plan

    # Its years follow the day the demo is loaded.
    demo = Plan.objects.get(space=plan_world["assembly"], title__startswith="Plan de quartier ")
    for query in ("", "?mode=edition"):
        page.goto(f"/t/{TERRITORY}/e/{ASSEMBLY}/plan/{demo.pk}/{query}")
        assert fits_the_screen(page), query
        axe_check(page)


def test_ajuster_le_plan_from_a_decision_changes_an_activity_status_as_a_revision(plan_world, signed_in_page,
                                                                                  axe_check):
    plan, activity, change = plan_world["plan"], plan_world["activity"], plan_world["change"]
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)
    page.goto(f"/t/{TERRITORY}/e/{ASSEMBLY}/propositions/{change.pk}/")
    # The demo's assembly has two adopted plans: each link names its plan.
    page.get_by_role("link", name=f"Ajuster le plan «\u00a0{plan.title}\u00a0»", exact=True).click()
    expect(page.locator("[role=status].rule-sentence")).to_contain_text(change.title)
    axe_check(page)
    page.get_by_role("link", name="Modifier 1.1.1.1 Clinique locataires").click()
    expect(page.get_by_label("Décision qui l'autorise")).to_have_value(str(change.pk))
    page.get_by_label("Statut de l'action").select_option(label="En pause")
    page.get_by_label("Raison du changement").fill("Le local de la clinique est fermé pour travaux.")
    page.get_by_role("button", name="Enregistrer les changements").click()
    expect(page.locator(".message-success")).to_contain_text("Clinique locataires")
    assert f"decision={change.pk}" in page.url and "mode=edition" in page.url
    revision = Revision.objects.get(plan=plan, item_type="activity", item_id=activity.pk)
    assert revision.diff == {"status": ["planned", "on_hold"]} and revision.decision == change
    page.goto(f"/t/{TERRITORY}/e/{ASSEMBLY}/plan/{plan.pk}/revisions/")
    expect(page.locator(f"#revision-{revision.pk}").locator("..")).to_contain_text("En pause")
    axe_check(page)


# The follow-up: measurements, the dashboard, the bilan ---------------------------------------------

def test_coordinator_records_a_measurement_changes_a_lead_and_sees_the_revision_on_the_dashboard(
    plan_world, signed_in_page, axe_check
):
    from concertation.planning.models import Measurement

    plan, activity, change = plan_world["plan"], plan_world["activity"], plan_world["change"]
    housing = Organization.objects.get(territory=plan.space.territory, name=HOUSING_COMMITTEE)
    clinic = services.indicator_add(
        plan=plan, activity=activity, name="Ménages reçus à la clinique", unit="ménages par trimestre",
        baseline_value=40, baseline_date=date(2025, 12, 31), target_value=80, target_date=date(2028, 12, 31),
        frequency="quarterly", responsible=housing, reason="Suivre la clinique locataires",
    )
    base = f"/t/{TERRITORY}/e/{ASSEMBLY}/plan/{plan.pk}/"
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)

    # The dashboard, charts included, passes axe; the new indicator has no data yet.
    page.goto(f"{base}tableau-de-bord/")
    expect(page.locator("h1")).to_contain_text("Tableau de bord — Plan d'essai 2026-2028")
    card = page.locator(f"#indicateur-{clinic.pk}").locator("..")
    expect(card).to_contain_text("Pas de données")
    expect(page.locator(f"svg[aria-labelledby^='tableau-bar-{clinic.pk}']")).to_have_count(1)
    axe_check(page)

    # The coordinator records a measurement from the indicator's page.
    page.get_by_role("link", name="Ménages reçus à la clinique").first.click()
    expect(page.locator("h1")).to_contain_text("Indicateur — Ménages reçus à la clinique")
    axe_check(page)
    page.get_by_role("link", name="Saisir une mesure").click()
    axe_check(page)
    today = timezone.localdate()
    page.get_by_label("Date de la mesure").fill(today.isoformat())
    page.get_by_label("Valeur").fill("52,5")
    page.get_by_label("Note").fill("Registre de la clinique")
    page.get_by_role("button", name="Enregistrer la mesure").click()
    expect(page.locator(".message-success")).to_contain_text("Ménages reçus à la clinique")
    expect(page.locator("table")).to_contain_text("52,5")
    measurement = Measurement.objects.get(indicator=clinic)
    assert str(measurement.value) == "52.5000" and measurement.recorded_by.email == COORDINATOR
    axe_check(page)
    # The same date again is refused, next to the date.
    page.get_by_role("link", name="Saisir une mesure").click()
    page.get_by_label("Date de la mesure").fill(today.isoformat())
    page.get_by_label("Valeur").fill("53")
    page.get_by_role("button", name="Enregistrer la mesure").click()
    expect(page.locator(".error-text")).to_contain_text("Une mesure existe déjà")
    axe_check(page)

    # The coordinator changes the activity's lead, with a reason and the decision that authorised it.
    page.goto(f"{base}activity/{activity.pk}/modifier/")
    page.get_by_label("Porteur", exact=True).select_option(label=CLSC)
    page.get_by_label("Raison du changement").fill("Le CLSC reprend la clinique locataires.")
    page.get_by_label("Décision qui l'autorise").select_option(label=decision_label(change))
    page.get_by_role("button", name="Enregistrer les changements").click()
    expect(page.locator(".message-success")).to_contain_text("Clinique locataires")
    revision = Revision.objects.get(plan=plan, item_type="activity")

    # The revision is on the dashboard, with its reason and its decision…
    page.goto(f"{base}tableau-de-bord/")
    on_board = page.locator(f"#revision-{revision.pk}").locator("..")
    expect(on_board).to_contain_text("Action modifiée — Clinique locataires")
    expect(on_board).to_contain_text("Le CLSC reprend la clinique locataires.")
    expect(on_board.get_by_role("link", name=change.title)).to_have_attribute(
        "href", f"/t/{TERRITORY}/e/{ASSEMBLY}/propositions/{change.pk}/")
    card = page.locator(f"#indicateur-{clinic.pk}").locator("..")
    expect(card).to_contain_text("52,5")
    axe_check(page)

    # … and in the item's history (behind the action's line).
    page.goto(base)
    page.locator(f"#activity-{activity.pk} summary").click()
    page.get_by_role("link", name="Historique — 1.1.1.1 Clinique locataires").click()
    history = page.locator(f"#revision-{revision.pk}").locator("..")
    expect(history.locator("ins")).to_have_text(CLSC)
    expect(history).to_contain_text("Le CLSC reprend la clinique locataires.")
    axe_check(page)


def test_the_demo_plan_s_dashboard_bilan_and_indicator_pages_pass_axe(plan_world, signed_in_page, phone_page,
                                                                    axe_check):
    from concertation.planning.models import Indicator, Plan

    demo = Plan.objects.get(space=plan_world["assembly"], title__startswith="Plan de quartier ")  # years vary
    indicator = Indicator.objects.filter(plan=demo).order_by("position").first()
    measurement = indicator.measurements.order_by("date").first()
    base = f"/t/{TERRITORY}/e/{ASSEMBLY}/plan/{demo.pk}/"
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)
    for path in [
        "tableau-de-bord/", "bilan/", f"indicateurs/{indicator.pk}/",
        f"indicateurs/{indicator.pk}/modifier/", f"indicateurs/{indicator.pk}/retirer/", "indicateurs/ajouter/",
        "indicateurs/importer/", f"indicateurs/{indicator.pk}/mesures/{measurement.pk}/corriger/",
        f"indicateurs/{indicator.pk}/mesures/{measurement.pk}/supprimer/",
    ]:
        response = page.goto(base + path)
        assert response.status == 200, path
        axe_check(page)
    page.goto(base + "tableau-de-bord/")
    expect(page.get_by_role("heading", name="Priorité 3 · Réussir et s'insérer")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(Indicator.objects.filter(plan=demo).count())
    # An import with a bad row: the errors, and nothing imported.
    page.goto(base + "indicateurs/importer/")
    page.get_by_label("Fichier à importer").set_input_files(files=[{
        "name": "mesures.csv", "mimeType": "text/csv",
        "buffer": b"Indicateur;Date;Valeur\nInconnu;2025-12-31;3\n",
    }])
    page.get_by_role("button", name="Voir l'aperçu de l'importation").click()
    expect(page.locator("[role=alert]")).to_contain_text("1 ligne sur 1 a une erreur.")
    axe_check(page)
    # On a phone.
    phone = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page)
    phone.goto(base + "tableau-de-bord/")
    expect(phone.get_by_role("heading", name="Priorité 1 · Habiter dignement")).to_be_visible()
    axe_check(phone)
