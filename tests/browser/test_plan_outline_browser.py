"""In Chromium on a phone (375 px), as the demo coordinator: a large plan's page is an outline
(planning/plan_outline.py, its threshold lowered here to the small plan of test_plan_browser.py);
the coordinator opens a strategy from the keyboard, reads its activities, closes it again; axe-core
reports no violation, in the reading view and in the edit mode."""

import pytest
from playwright.sync_api import expect

from concertation.demo.loader import DEMO_PASSWORD
from concertation.planning import plan_outline
from tests.browser.test_plan_browser import (  # noqa: F401
    ASSEMBLY,
    COORDINATOR,
    HOUSING_COMMITTEE,
    TERRITORY,
    plan_world,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordinator_opens_a_strategy_of_the_outline_from_the_keyboard(
    plan_world, signed_in_page, phone_page, axe_check, monkeypatch  # noqa: F811
):
    monkeypatch.setattr(plan_outline, "OUTLINE_THRESHOLD", 1)  # the plan's 2 activities make an outline
    plan, activity = plan_world["plan"], plan_world["activity"]
    plan_path = f"/t/{TERRITORY}/e/{ASSEMBLY}/plan/{plan.pk}/"
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page)

    page.goto(plan_path)
    expect(page.locator("#plan-outline-notice")).to_contain_text("Ce plan compte 2 actions")
    expect(page.locator(f"#activity-{activity.pk}")).to_have_count(0)
    strategy = page.locator(f"#strategy-{activity.strategy_id}")
    expect(strategy).to_contain_text("2 actions · Prévue\u00a0: 2")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    axe_check(page)

    opener = page.get_by_role("link", name="Voir les 2 actions — Stratégie 1.1.1 · Informer les locataires")
    opener.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{plan_path}?strategie={activity.strategy_id}#strategy-{activity.strategy_id}")
    expect(page.locator(f"#activity-{activity.pk}")).to_contain_text(HOUSING_COMMITTEE)
    axe_check(page)

    closer = page.get_by_role("link", name="Refermer la stratégie 1.1.1")
    closer.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{plan_path}#strategy-{activity.strategy_id}")
    expect(page.locator(f"#activity-{activity.pk}")).to_have_count(0)

    # The edit mode is an outline too; its links keep the mode.
    page.goto(plan_path + "?mode=edition")
    axe_check(page)
    page.get_by_role("link", name="Voir les 2 actions — Stratégie 1.1.1 · Informer les locataires").click()
    page.wait_for_url(f"**{plan_path}?mode=edition&strategie={activity.strategy_id}#strategy-{activity.strategy_id}")
    expect(page.get_by_role("link", name="Modifier 1.1.1.1 Clinique locataires")).to_have_count(1)
    axe_check(page)
