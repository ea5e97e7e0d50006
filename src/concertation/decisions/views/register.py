"""The decision register pages: per territory and per space, as HTML, CSV and an Atom feed.

Anyone may read the register of a space they may see; anonymous visitors see the decisions of
public spaces. A space out of reach answers 404 exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from concertation.core import audit, formatting
from concertation.core.tabular import write_csv
from concertation.directory.models import Territory
from concertation.spaces.models import Charter, Space
from concertation.spaces.selectors import SPACE_LIST_FIELDS
from concertation.spaces.views.common import load_space, load_territory

from .. import register
from ..models import Proposal
from ..register_table import RegisterTable, options

FEED_SIZE = 50


@dataclass
class Scope:
    """What a register page covers: a territory (all its visible spaces) or one space."""

    territory: Territory
    spaces: list[Space]           # the spaces the person may see (all of the territory, or the one)
    space: Space | None = None    # set for a space's register

    @property
    def space_ids(self) -> list[int]:
        return [space.pk for space in self.spaces]


def _scope(request, territory: str, space: str | None = None) -> Scope:
    if space is not None:
        space_obj = load_space(request, territory, space)
        return Scope(territory=space_obj.territory, spaces=[space_obj], space=space_obj)
    territory_obj = load_territory(request, territory)
    # What the pages read of a space: its name and address (not its mandate, nor its stamps).
    return Scope(territory=territory_obj, spaces=register.visible_spaces(request.user, territory_obj,
                                                                         only=SPACE_LIST_FIELDS))


def _filters(request, scope: Scope) -> register.RegisterFilters:
    # The space filter only applies to a territory's register.
    return register.parse_filters(request.GET, scope.spaces if scope.space is None else [])


def _query_string(request, *, without=("page",)) -> str:
    params = [(key, value) for key, values in request.GET.lists() if key not in without for value in values
              if value]
    return urlencode(params)


def proposal_url(proposal: Proposal) -> str:
    """The proposal's page; the space's register (anchored) while the proposal pages are missing."""
    kwargs = {"territory": proposal.space.territory.slug, "space": proposal.space.slug}
    try:
        return reverse("decisions:proposal", kwargs={**kwargs, "pk": proposal.pk})
    except NoReverseMatch:
        return reverse("register:space", kwargs=kwargs) + f"#decision-{proposal.pk}"


class ProposalUrls:
    """``proposal_url`` for a page of proposals: the address reversed once."""

    def __init__(self):
        self._reversed = register.ReversedOnce("decisions:proposal")

    def __call__(self, proposal: Proposal) -> str:
        try:
            return self._reversed(territory=proposal.space.territory.slug, space=proposal.space.slug,
                                  pk=proposal.pk)
        except NoReverseMatch:
            return proposal_url(proposal)


def _urls(scope: Scope) -> dict[str, str]:
    if scope.space is not None:
        kwargs = {"territory": scope.territory.slug, "space": scope.space.slug}
        return {name: reverse(f"register:space{suffix}", kwargs=kwargs)
                for name, suffix in (("page", ""), ("csv", "_csv"), ("feed", "_feed"))}
    kwargs = {"territory": scope.territory.slug}
    return {name: reverse(f"register:territory{suffix}", kwargs=kwargs)
            for name, suffix in (("page", ""), ("csv", "_csv"), ("feed", "_feed"))}


# The page ---------------------------------------------------------------------------------------

def _register_page(request, scope: Scope):
    filters = _filters(request, scope)
    page = Paginator(register.decided(scope.space_ids, filters), register.PAGE_SIZE).get_page(request.GET.get("page"))
    # Every space of the scope is already loaded: attach it (and its territory) instead of joining.
    page.object_list = register.attach_spaces(register.decisions_among(page.object_list), scope.spaces,
                                              scope.territory)
    rows = register.rows(page.object_list, register.college_names(scope.territory.pk))
    proposal_urls = ProposalUrls()
    for row in rows:
        row.url = proposal_urls(row.proposal)
    urls = _urls(scope)
    query = _query_string(request)
    context = {
        "territory": scope.territory,
        "space": scope.space,
        "spaces": scope.spaces if scope.space is None else [],
        "filters": filters,
        "page": page,
        "rows": rows,
        "table_rows": RegisterTable(scope.territory, with_space=scope.space is None).render(rows),
        "space_options": options(((space.slug, space.name) for space in scope.spaces),
                                 filters.space.slug if filters.space else None) if scope.space is None else "",
        "method_options": options(Charter.METHOD_CHOICES, filters.method),
        "methods": Charter.METHOD_CHOICES,
        "statuses": register.RESULT_STATUSES,
        "urls": urls,
        "query": query,
        "csv_url": urls["csv"] + (f"?{query}" if query else ""),
        "feed_url": urls["feed"],
    }
    template = "decisions/register.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template += "#register-table"
    return render(request, template, context)


def territory_register(request, territory):
    return _register_page(request, _scope(request, territory))


def space_register(request, territory, space):
    return _register_page(request, _scope(request, territory, space))


# CSV --------------------------------------------------------------------------------------------

def csv_header() -> list[str]:
    return [
        _("Date"), _("Espace"), _("Lieu de la décision"), _("Proposition"), _("Méthode"), _("Règle"),
        _("Résultat"), _("Personnes participantes"), _("Retraits pour conflit d'intérêts"), _("Dissidences"),
        _("Décision"), _("Adresse"),
    ]


def _register_csv(request, scope: Scope):
    filters = _filters(request, scope)
    base = request.build_absolute_uri("/").rstrip("/")
    colleges = register.college_names(scope.territory.pk)
    spaces = {space.pk: space for space in scope.spaces}
    data = []
    # Bounded queries: the decisions in chunks, each row built from what is already loaded.
    for proposal in register.decisions(scope.space_ids, filters).iterator(chunk_size=500):
        proposal.space = spaces.get(proposal.space_id, proposal.space)
        proposal.space.territory = scope.territory
        row = register.rows([proposal], colleges)[0]
        data.append([
            row.decided_on.date().isoformat() if row.decided_on else "",
            proposal.space.name,
            row.where.label,
            proposal.title,
            row.method,
            row.rule,
            row.result,
            row.participants,
            row.recusals,
            row.dissent,
            row.outcome,
            base + proposal_url(proposal),
        ])
    body = write_csv(csv_header(), data)
    name = scope.space.slug if scope.space is not None else scope.territory.slug
    if request.user.is_authenticated:
        # Anonymous visitors only ever download public decisions: not worth a row each.
        audit.record(action="export.downloaded", actor=request.user,
                     target=scope.space if scope.space is not None else scope.territory,
                     territory_id=scope.territory.pk, export="decision_register_csv", rows=len(data),
                     filters=_query_string(request))
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = _("registre-des-decisions")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{name}-{stamp}.csv"'
    return response


def territory_register_csv(request, territory):
    return _register_csv(request, _scope(request, territory))


def space_register_csv(request, territory, space):
    return _register_csv(request, _scope(request, territory, space))


# Atom feed --------------------------------------------------------------------------------------

@dataclass
class FeedScope:
    scope: Scope
    domain: str
    link: str


class RegisterFeed(Feed):
    """The latest decisions as Atom. Anonymous readers (most feed readers) see public spaces only."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    def get_object(self, request, territory, space=None):
        scope = _scope(request, territory, space)
        urls = _urls(scope)
        return FeedScope(scope=scope, domain=request.get_host().split(":")[0], link=urls["page"])

    def title(self, obj: FeedScope) -> str:
        if obj.scope.space is not None:
            return _("Décisions — %(space)s") % {"space": obj.scope.space.name}
        return _("Décisions — %(territory)s") % {"territory": obj.scope.territory.name}

    def subtitle(self, obj: FeedScope) -> str:
        return _("Le registre des décisions de %(name)s.") % {
            "name": obj.scope.space.name if obj.scope.space is not None else obj.scope.territory.name}

    def link(self, obj: FeedScope) -> str:
        return obj.link

    def feed_guid(self, obj: FeedScope) -> str:
        kind = f"space/{obj.scope.space.pk}" if obj.scope.space is not None else f"territory/{obj.scope.territory.pk}"
        return f"tag:{obj.domain},2025:concertation/decisions/{kind}"

    def author_name(self, obj: FeedScope) -> str:
        return obj.scope.territory.name

    def items(self, obj: FeedScope):
        proposals = register.attach_spaces(
            register.decisions_among(register.decided(obj.scope.space_ids)[:FEED_SIZE]), obj.scope.spaces,
            obj.scope.territory)
        items = register.rows(proposals, register.college_names(obj.scope.territory.pk))
        for row in items:
            row.feed_domain = obj.domain
        return items

    def item_title(self, row) -> str:
        return row.proposal.title

    def item_description(self, row) -> str:
        parts = [row.outcome, row.result]
        if row.dissent:
            dissent_label = _("Dissidences")
            parts.append(f"{dissent_label}{formatting.colon()} {row.dissent}")
        parts.append(_("%(space)s — %(where)s") % {"space": row.proposal.space.name, "where": row.where.label})
        # Atom's summary is HTML: each part is escaped (by linebreaksbr), one paragraph each.
        return "".join(f"<p>{linebreaksbr(part)}</p>" for part in parts if part)

    def item_link(self, row) -> str:
        return proposal_url(row.proposal)

    def item_guid(self, row) -> str:
        decided = row.decided_on or timezone.localtime(row.proposal.created_at)
        return f"tag:{row.feed_domain},{decided.date().isoformat()}:concertation/decisions/{row.proposal.pk}"

    def item_guid_is_permalink(self, row) -> bool:
        return False

    def item_pubdate(self, row):
        return row.proposal.decided_at

    def item_updateddate(self, row):
        return max(filter(None, [row.proposal.decided_at, row.proposal.updated_at]))

    def item_categories(self, row):
        return [row.proposal.space.name, row.method]


register_feed = RegisterFeed()


def territory_register_feed(request, territory):
    return register_feed(request, territory)


def space_register_feed(request, territory, space):
    return register_feed(request, territory, space)
