"""Screens of the plan's follow-up: the dashboard and the annual review (bilan), each a page and a
PDF. The indicators and their measurements are in indicators.py, their import in
measurements_import.py.

Views stay thin: load what the person may see (404 otherwise), call a selector, render.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.meetings.pdf import pdf_response

from ..bilan import CARDS as BILAN_CARDS
from ..bilan import ROWS as BILAN_ROWS
from ..bilan import bilan_section, build_bilan, parse_period
from ..dashboard import CARDS, ROWS, build_dashboard, dashboard_list
from ..models import Plan
from .common import load_plan, page_context


def _load_plan(request, territory, space, plan):
    return load_plan(request, territory, space, plan, with_adoption=False)


def dashboard(request, territory, space, plan):
    """The dashboard; ``?indicateurs=<priority>|transversal|attendues`` or ``?actions=en-retard``
    (with ``page``): one of its lists in full."""
    space, plan = _load_plan(request, territory, space, plan)
    can_change = plan.status != Plan.Status.ARCHIVED and request.user.has_perm("planning.change_plan", plan)
    indicators, activities = request.GET.get("indicateurs", ""), request.GET.get("actions", "")
    if indicators or activities:
        listing = dashboard_list(plan, indicators=indicators, activities=activities, number=request.GET.get("page"),
                                 user=request.user)
        if listing is None:
            raise Http404
        return render(request, "planning/dashboard/dashboard_list.html", page_context(space, plan, listing=listing))
    data = build_dashboard(plan, user=request.user, cards=CARDS, rows=ROWS)
    return render(request, "planning/dashboard/dashboard.html", page_context(
        space, plan, board=data, can_change=can_change, can_import=can_change or data.can_import))


def dashboard_pdf(request, territory, space, plan):
    space, plan = _load_plan(request, territory, space, plan)
    data = build_dashboard(plan)
    return pdf_response("planning/dashboard/dashboard_pdf.html",
                        page_context(space, plan, board=data, now=timezone.now()),
                        request, filename=_("tableau-de-bord-%(slug)s") % {"slug": plan.title})


def _bilan_data(request, territory, space, plan, **limits):
    space, plan = _load_plan(request, territory, space, plan)
    period, errors = parse_period(request.GET)
    return space, plan, build_bilan(plan, period, user=request.user, **limits), errors


def bilan(request, territory, space, plan):
    """The bilan of the period; ``?voir=<part>`` (with ``page``): one of its lists in full."""
    section = request.GET.get("voir", "")
    if section:
        space, plan = _load_plan(request, territory, space, plan)
        period, errors = parse_period(request.GET)
        data = bilan_section(plan, period, section, number=request.GET.get("page"), user=request.user)
        if data is None:
            raise Http404
        return render(request, "planning/dashboard/bilan_list.html", page_context(
            space, plan, bilan=data, period=period, errors=errors))
    space, plan, data, errors = _bilan_data(request, territory, space, plan, cards=BILAN_CARDS, rows=BILAN_ROWS)
    return render(request, "planning/dashboard/bilan.html", page_context(
        space, plan, bilan=data, period=data.period, errors=errors))


def bilan_pdf(request, territory, space, plan):
    space, plan, data, _errors = _bilan_data(request, territory, space, plan)
    return pdf_response("planning/dashboard/bilan_pdf.html", page_context(space, plan, bilan=data, now=timezone.now()),
                        request, filename=_("bilan-%(title)s-%(period)s") % {"title": plan.title,
                                                                           "period": data.period.slug})
