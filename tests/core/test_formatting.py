"""The one formatting layer (core/formatting.py) in both languages, and no ISO date on key pages."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from concertation.core import formatting as f
from concertation.core.formatting import NBSP

MTL = ZoneInfo("America/Montreal")


def at(*args):
    return datetime(*args, tzinfo=MTL)


@pytest.fixture
def fr():
    with translation.override("fr-ca"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


def plain(text):
    return text.replace(NBSP, " ")


def test_french_day_says_1er_and_weekday(fr):
    assert f.day(date(2025, 9, 1)) == "lundi 1er septembre 2025"
    assert f.day(date(2025, 9, 2), weekday=False) == "2 septembre 2025"
    assert f.day(at(2025, 9, 1, 18), weekday=False, year=False) == "1er septembre"


def test_english_day(en):
    assert f.day(date(2025, 9, 1)) == "Monday, September 1, 2025"
    assert f.day(date(2025, 9, 1), weekday=False, short=True) == "Sept. 1, 2025"


def test_short_months_are_unambiguous_in_both_languages(fr):
    shorts = [f.day(date(2025, month, 1), weekday=False, year=False, short=True) for month in range(1, 13)]
    assert shorts == ["1er janv.", "1er févr.", "1er mars", "1er avr.", "1er mai", "1er juin",
                      "1er juill.", "1er août", "1er sept.", "1er oct.", "1er nov.", "1er déc."]
    assert len(set(shorts)) == 12
    with translation.override("en"):
        english = [f.month_year(date(2025, month, 1), short=True) for month in range(1, 13)]
    assert len(set(english)) == 12 and "June 2025" in english and "July 2025" in english
    assert not any(text.startswith("Jui") for text in shorts)


def test_year_only_outside_the_current_one(fr):
    this_year = timezone.localdate().year
    assert f.day(date(this_year, 3, 4), weekday=False, year=None) == "4 mars"
    assert f.day(date(this_year - 1, 3, 4), weekday=False, year=None) == f"4 mars {this_year - 1}"


def test_french_hours_without_zero_minutes(fr):
    assert plain(f.hour(at(2025, 9, 1, 18))) == "18 h"
    assert plain(f.hour(at(2025, 9, 1, 18, 30))) == "18 h 30"
    assert plain(f.hour(at(2025, 9, 1, 0))) == "0 h"
    assert plain(f.hour(at(2025, 9, 1, 12))) == "12 h"
    assert f.hour(at(2025, 9, 1, 18)) == f"18{NBSP}h"


def test_english_hours_noon_and_midnight(en):
    assert plain(f.hour(at(2025, 9, 1, 18))) == "6 p.m."
    assert plain(f.hour(at(2025, 9, 1, 10, 15))) == "10:15 a.m."
    assert f.hour(at(2025, 9, 1, 12)) == "noon"
    assert f.hour(at(2025, 9, 1, 0)) == "midnight"
    assert plain(f.hour(at(2025, 9, 1, 12, 30))) == "12:30 p.m."


def test_hour_ranges(fr):
    assert plain(f.hour_range(at(2025, 9, 1, 18), at(2025, 9, 1, 20))) == "de 18 h à 20 h"
    assert plain(f.hour_range(at(2025, 9, 1, 18, 30), at(2025, 9, 1, 20, 30))) == "de 18 h 30 à 20 h 30"
    with translation.override("en"):
        assert plain(f.hour_range(at(2025, 9, 1, 18), at(2025, 9, 1, 20))) == "6 to 8 p.m."
        assert plain(f.hour_range(at(2025, 9, 1, 10), at(2025, 9, 1, 14))) == "10 a.m. to 2 p.m."
        assert plain(f.hour_range(at(2025, 9, 1, 11), at(2025, 9, 1, 12))) == "11 a.m. to noon"


def test_day_and_hours_of_a_meeting(fr):
    start, end = at(2025, 9, 1, 18), at(2025, 9, 1, 20)
    assert plain(f.day_and_hours(start, end)) == "lundi 1er septembre 2025, de 18 h à 20 h"
    with translation.override("en"):
        assert plain(f.day_and_hours(start, end)) == "Monday, September 1, 2025, 6 to 8 p.m."


def test_moments(fr):
    assert plain(f.moment(at(2025, 9, 1, 18))) == "lundi 1er septembre 2025 à 18 h"
    with translation.override("en"):
        assert plain(f.moment(at(2025, 9, 1, 18))) == "Monday, September 1, 2025, at 6 p.m."


def test_date_ranges(fr):
    assert f.date_range(date(2025, 9, 1), date(2025, 9, 5)) == "du 1er au 5 septembre 2025"
    assert f.date_range(date(2025, 8, 28), date(2025, 9, 3)) == "du 28 août au 3 septembre 2025"
    assert f.date_range(date(2025, 9, 1), date(2026, 8, 31)) == "du 1er septembre 2025 au 31 août 2026"
    with translation.override("en"):
        assert f.date_range(date(2025, 9, 1), date(2025, 9, 5)) == "September 1 to 5, 2025"
        assert f.date_range(date(2025, 8, 28), date(2025, 9, 3)) == "August 28 to September 3, 2025"
        assert f.date_range(date(2025, 9, 1), date(2026, 8, 31)) == "September 1, 2025, to August 31, 2026"


def test_relative_moments(fr):
    now = at(2025, 9, 1, 9)
    assert plain(f.relative(now + timedelta(days=1, hours=9), now)) == "demain à 18 h"
    assert plain(f.relative(now + timedelta(days=3), now)) == "dans 3 jours"
    assert plain(f.relative(now - timedelta(days=3), now)) == "il y a 3 jours"
    assert plain(f.relative(now + timedelta(minutes=20), now)) == "dans 20 minutes"
    assert plain(f.relative(now + timedelta(hours=9), now)) == "aujourd'hui à 18 h"
    assert f.relative(now + timedelta(days=30), now).startswith("le 1er oct.")
    with translation.override("en"):
        assert plain(f.relative(now + timedelta(days=1, hours=9), now)) == "tomorrow at 6 p.m."
        assert plain(f.relative(now + timedelta(days=3), now)) == "in 3 days"
        assert plain(f.relative(now - timedelta(days=1, hours=-1), now)) == "yesterday at 10 a.m."


def test_plurals_of_delays(fr):
    assert plain(f.count_of(1, "day")) == "1 jour"
    assert plain(f.count_of(0, "day")) == "0 jour"
    assert plain(f.count_of(2, "day")) == "2 jours"
    with translation.override("en"):
        assert plain(f.count_of(1, "day")) == "1 day"
        assert plain(f.count_of(0, "day")) == "0 days"


def test_money_never_breaks(fr):
    assert f.money(120000) == f"120{NBSP}000{NBSP}$"
    assert f.money(Decimal("1234.5")) == f"1{NBSP}234,50{NBSP}$"
    assert f.money(-45) == f"-45{NBSP}$"
    assert " " not in f.money(1234567)
    with translation.override("en"):
        assert f.money(120000) == "$120,000"
        assert f.money(Decimal("1234.5")) == "$1,234.50"


def test_numbers_and_units(fr):
    assert f.number(Decimal("4.3")) == "4,3"
    assert f.number(Decimal("4.30")) == "4,3"
    assert f.number(2.5, 2) == "2,50"
    assert f.with_unit(12, "km") == f"12{NBSP}km"
    assert f.percent(50) == f"50{NBSP}%"
    with translation.override("en"):
        assert f.number(Decimal("1234.5")) == "1,234.5"
        assert f.percent(50) == "50%"
        assert f.with_unit(45, "min") == f"45{NBSP}min"


def test_template_filters_are_builtins(fr):
    template = Template("{{ d|day }}|{{ d|date_short }}|{{ s|hour_range:e }}|{{ m|money }}|{{ s|hour }}")
    text = template.render(Context({"d": date(2025, 9, 1), "s": at(2025, 9, 1, 18, 30),
                                    "e": at(2025, 9, 1, 20), "m": 120000}))
    assert plain(text) == "lundi 1er septembre 2025|1er sept. 2025|de 18 h 30 à 20 h|120 000 $|18 h 30"
    with translation.override("en"):
        text = template.render(Context({"d": date(2025, 9, 1), "s": at(2025, 9, 1, 18, 30),
                                        "e": at(2025, 9, 1, 20), "m": 120000}))
    assert plain(text) == "Monday, September 1, 2025|Sept. 1, 2025|6:30 to 8 p.m.|$120,000|6:30 p.m."


def test_django_short_date_format_is_not_iso(fr):
    from django.utils.formats import date_format

    assert not re.search(r"\d{4}-\d{2}-\d{2}", date_format(date(2025, 9, 1), "SHORT_DATE_FORMAT"))
    with translation.override("en"):
        assert date_format(date(2025, 9, 1), "SHORT_DATE_FORMAT") == "Sept. 1, 2025"


# ---------------------------------------------------------------- no ISO date on the key pages

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def visible_text(html: str) -> str:
    """What a person reads: the page without its tags (so without attributes), scripts and styles."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]*>", " ", html)


@pytest.fixture
def demo_pages(db):
    from django.urls import reverse

    from concertation.accounts.models import User
    from concertation.decisions.models import Proposal
    from concertation.demo.loader import ACCOUNT_EMAILS, TERRITORY_SLUG, load_demo
    from concertation.meetings.models import Minutes
    from concertation.planning.models import Plan

    load_demo()
    minutes = Minutes.objects.filter(meeting__space__territory__slug=TERRITORY_SLUG).select_related(
        "meeting__space").first()
    meeting = minutes.meeting
    proposal = Proposal.objects.filter(space__territory__slug=TERRITORY_SLUG, status="decided").select_related(
        "space").first()
    opened = Proposal.objects.filter(space__territory__slug=TERRITORY_SLUG, status="open").select_related(
        "space").first()
    plan = Plan.objects.filter(space__territory__slug=TERRITORY_SLUG).select_related("space").first()

    def space_kwargs(space):
        return {"territory": TERRITORY_SLUG, "space": space.slug}

    urls = [
        reverse("home"),
        reverse("meetings:meeting", kwargs={**space_kwargs(meeting.space), "pk": meeting.pk}),
        reverse("meetings:minutes", kwargs={**space_kwargs(meeting.space), "pk": meeting.pk}),
        reverse("decisions:proposal", kwargs={**space_kwargs(proposal.space), "pk": proposal.pk}),
        reverse("decisions:proposal", kwargs={**space_kwargs(opened.space), "pk": opened.pk}),
        reverse("planning:plan", kwargs={**space_kwargs(plan.space), "plan": plan.pk}),
        reverse("planning:dashboard", kwargs={**space_kwargs(plan.space), "plan": plan.pk}),
        reverse("planning:bilan", kwargs={**space_kwargs(plan.space), "plan": plan.pk}),
        reverse("my:my_follow_ups"),
        reverse("register:territory", kwargs={"territory": TERRITORY_SLUG}),
        reverse("spaces:members", kwargs=space_kwargs(meeting.space)),
        reverse("spaces:roles", kwargs=space_kwargs(meeting.space)),
    ]
    return User.objects.get(email=ACCOUNT_EMAILS["coordinator"]), urls


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_no_iso_date_on_the_key_pages(client, settings, demo_pages, language):
    user, urls = demo_pages
    user.preferred_language = language  # a signed-in person reads the pages in her own language
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()[:300], url
        text = visible_text(response.content.decode())
        assert not ISO_DATE.findall(text), (url, ISO_DATE.findall(text))
        # No « 18 h 00 » either, and no abbreviation shared by two months.
        assert not re.search(r"\d\s?h\s00\b", text.replace(NBSP, " ")), url
        assert not re.search(r"\bJui\b", text), url


def test_colon_outside_a_sentence(fr):
    template = Template("{{ label }}{% colon %} {{ value }}")
    assert template.render(Context({"label": "Accords", "value": 3})) == f"Accords{NBSP}: 3"
    with translation.override("en"):
        assert template.render(Context({"label": "Agree", "value": 3})) == "Agree: 3"


def test_filters_read_iso_text_and_stay_quiet_on_what_is_not_a_date(fr):
    template = Template("[{{ a|day }}][{{ b|day }}][{{ c|hour }}][{{ d|money }}]")
    text = template.render(Context({"a": "2025-09-01", "b": "pas une date", "c": None, "d": "x"}))
    assert text == "[lundi 1er septembre 2025][][][]"


def test_a_timetable_slot_is_compact_in_both_languages():
    from datetime import datetime

    from django.utils import timezone, translation

    from concertation.core import formatting

    start = timezone.make_aware(datetime(2026, 9, 15, 18, 30))
    end = timezone.make_aware(datetime(2026, 9, 15, 18, 35))
    with translation.override("fr-ca"):
        assert formatting.clock_span(start, end) == "18\u00a0h\u00a030 – 18\u00a0h\u00a035"
    with translation.override("en"):
        assert formatting.clock_span(start, end) == "6:30–6:35\u00a0p.m."
        noonish = timezone.make_aware(datetime(2026, 9, 15, 11, 50)), timezone.make_aware(datetime(2026, 9, 15, 12, 5))
        assert formatting.clock_span(*noonish) == "11:50\u00a0a.m.–12:05\u00a0p.m."


def test_one_period_drops_the_full_stop_doubled_after_an_english_hour_only():
    from concertation.core.templatetags.formatting import one_period

    assert one_period("The vote closes on Saturday, December 12, 2026, at 5 p.m..") == (
        "The vote closes on Saturday, December 12, 2026, at 5 p.m.")
    assert one_period("Le vote ferme le samedi 12 décembre 2026 à 17\u00a0h.") == "Le vote ferme le samedi 12 décembre 2026 à 17\u00a0h."
    assert one_period("Wait...") == "Wait..."


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_counts_writes_what_number_writes(language):
    """``counts()`` (the language read once, for a page of many counts) writes each value as ``number``."""
    with translation.override(language):
        count = f.counts()
        for value in (0, 7, -3, 1234, 120000, -1234567, Decimal("5"), Decimal("12.50"), 4.25, None):
            assert count(value) == f.number(value)
