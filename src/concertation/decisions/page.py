"""The proposal page: what it reads, counts so far and shows (no writes). The page's view asks here
(decisions/views/proposals.py stays thin); the count itself is decisions' (counting.py, through
services.count_result), the results' tables are results.py's."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, CharField, Count, F, Max, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.formatting import NBSP
from concertation.core.richtext import render_markdown
from concertation.core.written_sql import convert, converters_of, plan
from concertation.directory.models import College
from concertation.spaces.access import access_for
from concertation.spaces.charter_text import method_phrase, quorum_phrase
from concertation.spaces.models import PERSON_CATEGORY_LABELS, Charter, MembershipCategory

from . import ballots, methods, services
from .eligibility import (
    Electorate,
    Voter,
    count_electorate,
    eligible_voters,
    may_vote_here,
    recused_keys,
    voter_key_q,
    voter_keys_sql,
    voters_for_user,
)
from .explain import explain
from .forms import (
    ReceiptForm,
    RecusalForm,
    VoteForm,
    describe_ballot,
    dots_budget,
    method_explanation,
)
from .models import Ballot, Proposal
from .register import meeting_where
from .results import present_results

Status = Proposal.Status
Visibility = Proposal.ResultsVisibility


def colleges_of(proposal: Proposal, space) -> dict:
    """The colleges of the territory (slug → College), when the proposal's rules or result name any."""
    result = proposal.result or {}
    needed = proposal.college_minimums or proposal.double_majority or result.get("colleges") or \
        (result.get("quorum") or {}).get("missing_colleges")
    if not needed:
        return {}
    conn = connections[DEFAULT_DB_ALIAS]
    sql, names, converters = plan(conn, "decisions.colleges", _colleges_statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, [space.territory_id])
        rows = cursor.fetchall()
    colleges = (College.from_db(conn.alias, names, convert(row, converters, conn)) for row in rows)
    return {college.slug: college for college in colleges}


#: the colleges of a territory, by name as College's Meta orders them (the ORM form: ``colleges_of_orm``)
COLLEGES_SQL = "SELECT {columns} FROM {college} WHERE {territory} = %s ORDER BY {order}"


def _colleges_statement(conn):
    quote = conn.ops.quote_name
    fields = [field for field in College._meta.concrete_fields if not field.generated]
    sql = COLLEGES_SQL.format(
        columns=", ".join(quote(field.column) for field in fields), college=quote(College._meta.db_table),
        territory=quote(College._meta.get_field("territory").column),
        order=f"{quote(College._meta.get_field('name').column)}, {quote(College._meta.pk.column)}")
    return sql, [field.attname for field in fields], converters_of(conn, fields)


def colleges_of_orm(territory_id: int) -> dict:
    """The ORM form of COLLEGES_SQL (tests/decisions/test_page_sql.py checks that both agree)."""
    return {college.slug: college for college in College.objects.filter(territory_id=territory_id).order_by(
        "name", "pk")}


#: what the page reads of a ballot: the count's columns, and the receipt of the person's own
BALLOT_FIELDS = ("voter_key", "value", "weight", "reason", "college_slug", "receipt")


def _as_dict(ballot) -> dict:
    if isinstance(ballot, dict):
        return ballot
    return {"voter_key": ballot.voter_key, "value": ballot.value, "weight": ballot.weight, "reason": ballot.reason,
            "college_slug": ballot.college_slug}


def live_result(proposal: Proposal, *, voters: dict | Electorate, ballots: list, options: list) -> dict | None:
    """The count so far (never stored), by the same rules as at closing, from what this page has
    already loaded (no query of its own): the voters and the round's ballots (rows or dicts); or
    the electorate counted by SQL and only its ballots, recusals left out (``counted_ballots``)."""
    try:
        return services.count_result(
            proposal, voters=voters, options=options, recused=recused_keys(proposal),
            tie_seed=proposal.tie_seed or f"live-{proposal.pk}", ballots=[_as_dict(ballot) for ballot in ballots],
        )
    except (methods.BallotError, methods.RuleError):
        return None


def counted_ballots(proposal: Proposal, mine: set[str]) -> tuple[list[dict], dict[str, dict]]:
    """The ballots a live count counts (the electorate's, recusals left out) in one query that
    groups identical ballots; and the person's own (``mine``: their voter keys) with their receipt.

    A ballot with a reason, and the person's own, stay alone (each reason is listed, in the order
    of the voters); the others are counted by value, weight and college. The list holds each
    group's ballot as many times as it was cast, the same dict: what the count reads of them.

    Issue 20: written out around eligibility.VOTER_KEYS_SQL (the ORM form, ``counted_ballots_orm``
    below, spent ~3 ms of the open proposal's page composing its subquery)."""
    conn = connections[DEFAULT_DB_ALIAS]
    keys, params = voter_keys_sql(proposal, conn)
    mine_sorted, recused = sorted(mine), sorted(recused_keys(proposal))
    params.update({"proposal": proposal.pk, "round": proposal.round})
    params.update({f"mine{n}": key for n, key in enumerate(mine_sorted)})
    params.update({f"recused{n}": key for n, key in enumerate(recused)})
    own = (f"WHEN voter_key IN ({', '.join(f'%(mine{n})s' for n in range(len(mine_sorted)))}) THEN voter_key "
           if mine_sorted else "")
    out = (f" AND voter_key NOT IN ({', '.join(f'%(recused{n})s' for n in range(len(recused)))})"
           if recused else "")
    table, converters = plan(conn, "decisions.counted_ballots", _counted_statement)
    sql = COUNTED_BALLOTS_SQL.format(ballot=table, own=own, keys=keys, recused=out)
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    counted: list[dict] = []
    found: dict[str, dict] = {}
    for row in groups:
        value, weight, reason, college_slug, voter, cast, receipt = convert(row, converters, conn)
        ballot = {"voter_key": voter, "value": value, "weight": weight, "reason": reason, "college_slug": college_slug}
        counted.extend([ballot] * cast)
        if voter in mine:
            found[voter] = {**ballot, "receipt": receipt}
    return counted, found


#: the electorate's ballots of the round, grouped (see counted_ballots)
COUNTED_BALLOTS_SQL = """
SELECT value, weight, reason, college_slug,
       CASE {own}WHEN reason = '' THEN '' ELSE voter_key END AS voter, COUNT(id), MAX(receipt)
  FROM {ballot}
 WHERE proposal_id = %(proposal)s AND round = %(round)s AND voter_key IN ({keys}){recused}
 GROUP BY 1, 2, 3, 4, 5
 ORDER BY 5, 4, 2
"""


def _counted_statement(conn) -> tuple[str, dict]:
    fields = [Ballot._meta.get_field(name) for name in ("value", "weight", "reason", "college_slug")]
    converters = converters_of(conn, fields)
    receipt = converters_of(conn, [Ballot._meta.get_field("receipt")])
    if 0 in receipt:  # the receipt is the statement's 7th column
        converters[6] = receipt[0]
    return conn.ops.quote_name(Ballot._meta.db_table), converters


def counted_ballots_orm(proposal: Proposal, mine: set[str]) -> tuple[list[dict], dict[str, dict]]:
    """``counted_ballots`` in the ORM form (eligibility.voter_key_q): the rule the written statement
    is tested against (tests/decisions/test_electorate.py)."""
    alone = Case(When(reason="", then=Value("")), default=F("voter_key"), output_field=CharField())
    if mine:
        alone = Case(When(voter_key__in=sorted(mine), then=F("voter_key")), default=alone, output_field=CharField())
    groups = (
        Ballot.objects.filter(voter_key_q(proposal), proposal=proposal, round=proposal.round)
        .exclude(voter_key__in=sorted(recused_keys(proposal)))
        .values("value", "weight", "reason", "college_slug", voter=alone)
        .annotate(cast=Count("pk"), receipt=Max("receipt"))
        .order_by("voter", "college_slug", "weight")
    )
    counted: list[dict] = []
    own: dict[str, dict] = {}
    for group in groups:
        ballot = {"voter_key": group["voter"], "value": group["value"], "weight": group["weight"],
                  "reason": group["reason"], "college_slug": group["college_slug"]}
        counted.extend([ballot] * group["cast"])
        if group["voter"] in mine:
            own[group["voter"]] = {**ballot, "receipt": group["receipt"]}
    return counted, own


@dataclass
class VoterEntry:
    """One voter the person casts for (themself, or an organization they represent)."""

    voter: Voter
    form: VoteForm
    ballot: Ballot | None
    choice: str
    notice: str = ""
    rule: str = ""  # for an organization: who cast its ballot, and that a new one replaces it

    @property
    def organization_name(self) -> str:
        return self.voter.label if self.voter.organization_id else ""


def organization_rule(voter: Voter, cast: dict | None, user) -> str:
    """One ballot per organization, the last one counts: said before the delegate or the alternate
    votes, with who cast the ballot already in and when."""
    if cast is None:
        return _("Un seul bulletin compte par organisme : si la personne déléguée et la ou le substitut votent "
                 "tous les deux, le dernier bulletin déposé remplace le premier.")
    when = formatting.moment(cast["cast_at"])
    if cast["cast_by_id"] == user.pk:
        return _("Vous avez voté au nom de %(organization)s le %(date)s. Un nouveau bulletin remplacera celui-ci : "
                 "un seul bulletin compte par organisme, le dernier déposé.") % {
            "organization": voter.label, "date": when}
    return _("%(organization)s a déjà voté : bulletin déposé par %(person)s le %(date)s. Si vous votez, votre "
             "bulletin remplacera le sien : un seul bulletin compte par organisme, le dernier déposé.") % {
        "organization": voter.label, "date": when,
        "person": cast["cast_by__display_name"] or cast["cast_by__email"] or _("une personne qui n'a plus de compte"),
    }


def vote_prefix(key: str) -> str:
    """The prefix of a voter's vote form fields (« v-u-12 »)."""
    return "v-" + key.replace(":", "-")


def rules_sentence(proposal: Proposal, colleges: dict) -> str:
    """« Règle : vote aux deux tiers des membres votants présents; une voix par organisme; quorum : … »"""
    parts = [method_phrase(proposal, proposal.method)]
    if proposal.fallback_method and proposal.fallback_method != proposal.method:
        parts.append(_("à défaut, %(fallback)s") % {"fallback": method_phrase(proposal, proposal.fallback_method)})
    parts.append(_("une voix par organisme") if proposal.voting_unit == Charter.VotingUnit.ORGANIZATION
                 else _("une voix par personne"))
    if proposal.double_majority:
        parts.append(_("double majorité par collège"))
    parts.append(_("quorum{nbsp}: %(quorum)s").replace("{nbsp}", NBSP) % {"quorum": quorum_phrase(proposal, colleges)})
    return _("Règle{nbsp}: %(rules)s.").replace("{nbsp}", NBSP) % {"rules": _("; ").join(parts)}


def why_no_vote(proposal: Proposal, user, all_voters: dict) -> str:
    """Why a signed-in person sees no vote form on an open proposal (from what is loaded already)."""
    if voters_for_user(proposal, user, all_voters):
        return _("Un conflit d'intérêts a été déclaré pour vous (ou pour l'organisme que vous représentez) : vous "
                 "ne votez pas sur cette proposition.")
    access = access_for(user)
    held = sorted(access.categories(proposal.space))
    if held:
        return _("Vous participez à cet espace comme %(category)s, ce qui ne donne pas le droit de vote sur "
                 "cette proposition.") % {
            "category": ", ".join(str(PERSON_CATEGORY_LABELS[c]) for c in held if c in MembershipCategory.values)}
    if access.facilitates(proposal.space):
        return _("Vous animez ou coordonnez cet espace sans y avoir le droit de vote : vous ne votez pas sur cette "
                 "proposition.")
    return _("Seuls les membres votants de cet espace votent sur cette proposition.")


def _voter_entries(proposal: Proposal, user, *, mine: list, current: dict, options: list,
                   bound: dict | None, notices: dict | None) -> list[VoterEntry]:
    """A vote form for each voter the person casts for, filled with the ballot already cast."""
    casters = ballots.organization_casters(proposal, [key for key in current if key.startswith("o:")])
    entries = []
    for voter in mine:
        ballot = current.get(voter.key)
        form = (bound or {}).get(voter.key) or VoteForm(
            proposal=proposal, options=options, prefix=vote_prefix(voter.key),
            initial_value=ballot.value if ballot else None, initial_reason=ballot.reason if ballot else "",
        )
        entries.append(VoterEntry(
            voter=voter, form=form, ballot=ballot,
            choice=describe_ballot(proposal, ballot.value, options) if ballot else "",
            notice=(notices or {}).get(voter.key, ""),
            rule=organization_rule(voter, casters.get(voter.key), user) if voter.organization_id else "",
        ))
    return entries


def _ballots_read(proposal: Proposal, *, mine_keys: set[str], counting: bool) -> tuple[list[dict], dict]:
    """The electorate's ballots when a live count may be shown (one query, the person's own among
    them); otherwise only the person's own."""
    if counting:
        return counted_ballots(proposal, mine_keys)
    if mine_keys:
        return [], {ballot["voter_key"]: ballot for ballot in Ballot.objects.filter(
            proposal=proposal, round=proposal.round, voter_key__in=sorted(mine_keys)).values(*BALLOT_FIELDS)}
    return [], {}


def _participation(proposal: Proposal, electorate: Electorate | None) -> dict | None:
    if proposal.status == Status.OPEN:
        return {"count": proposal.participation_count or 0, "eligible": electorate.total}
    if proposal.status in {Status.CLOSED, Status.DECIDED} and proposal.result:
        return {"count": proposal.result.get("participants", 0), "eligible": proposal.result.get("eligible", 0)}
    return None


def _history(proposal: Proposal, options: list, college_names: dict) -> dict:
    """Earlier versions of the text and earlier rounds of the vote."""
    versions = list(proposal.versions.select_related("created_by").order_by("-number")) if proposal.version > 1 else []
    for version in versions:
        version.body_html = render_markdown(version.body)
    rounds = []
    if proposal.round > 1:
        for item in proposal.rounds.order_by("-number"):
            shown = copy.copy(proposal)
            shown.result = item.result
            rounds.append({"round": item, "explanation": explain(shown, college_names),
                           "results": present_results(proposal, item.result, options, college_names, live=False)})
    return {"versions": versions, "rounds": rounds}


def _voting(proposal: Proposal, user, *, accepting: bool, recused: set[str]) -> tuple[dict, list]:
    """The voters the person may cast for (recused ones included), and those they cast for now."""
    own: dict = {}
    if accepting and user.is_authenticated and may_vote_here(proposal, access_for(user)):
        own = eligible_voters(proposal, include_recused=True, for_person=user)
    reachable = voters_for_user(proposal, user, own) if own else []
    return own, [voter for voter in reachable if voter.key not in recused] if accepting else []


def proposal_page(user, space, proposal: Proposal, *, bound: dict | None = None, notices: dict | None = None,
                  with_recusable: bool = False, recusable_url: str = "", register_url: str = "") -> dict:
    """Everything the proposal page (and its vote and results fragments) shows, in a number of
    queries that does not depend on the size of the space: the electorate is counted by SQL, the
    person's own voters are looked up alone, and the live count reads the electorate's ballots
    grouped. Only ``with_recusable`` (asked by those who run the space, to note someone else's
    conflict of interest) lists the whole electorate."""
    options = list(proposal.options.all())
    method = methods.get_method(proposal.method)
    can_manage = user.has_perm("decisions.manage_proposal", proposal)
    accepting = proposal.accepting_ballots(timezone.now())
    colleges = colleges_of(proposal, space)
    college_names = {slug: (college.name, college.kind) for slug, college in colleges.items()}
    is_open, finished = proposal.status == Status.OPEN, proposal.status in {Status.CLOSED, Status.DECIDED}
    can_recuse_others = can_manage and proposal.status in {Status.DRAFT, Status.OPEN}
    electorate = count_electorate(proposal, by_college=services.counts_by_college(proposal)) if is_open else None
    own, mine = _voting(proposal, user, accepting=accepting, recused=recused_keys(proposal))
    visibility = proposal.results_visibility
    counting = is_open and (visibility == Visibility.ALWAYS or (visibility == Visibility.AFTER_VOTING and bool(mine)))
    round_ballots, own_ballots = _ballots_read(proposal, mine_keys={voter.key for voter in mine}, counting=counting)
    current = {key: Ballot(**ballot) for key, ballot in own_ballots.items()}

    data, live = (proposal.result or None), False
    if not finished:
        data = None
        if counting and (visibility == Visibility.ALWAYS or current):
            data, live = live_result(proposal, voters=electorate, ballots=round_ballots, options=options), True
    results = present_results(proposal, data, options, college_names, live=live)
    advice = []
    if results is not None and not method.tallied:
        advice = list(Ballot.objects.filter(proposal=proposal, round=proposal.round)
                      .select_related("person", "organization").order_by("cast_at"))
    show_of_hands = bool((proposal.result or {}).get("show_of_hands"))
    return {
        "territory": space.territory, "space": space, "proposal": proposal,
        "body_html": render_markdown(proposal.body),
        "rules_sentence": rules_sentence(proposal, colleges),
        "method_label": dict(Charter.METHOD_CHOICES).get(proposal.method, proposal.method),
        "method_explanation": method_explanation(proposal),
        "dots_budget": dots_budget(proposal) if method.ballot_shape == "dots" else None,
        "options": options, "shows_options": bool(options) and not method.position_labels,
        "accepting": accepting, "voted": bool(current),
        "entries": _voter_entries(proposal, user, mine=mine, current=current, options=options, bound=bound,
                                  notices=notices),
        "vote_notice": why_no_vote(proposal, user, own) if accepting and not mine and user.is_authenticated else "",
        "results": results, "advice": advice, "poll": live and proposal.status == Status.OPEN,
        "participation": _participation(proposal, electorate),
        **_history(proposal, options, college_names),
        "recusals": list(proposal.recusals.all()),
        "recusal_form": RecusalForm(),
        # Taken in a meeting: its meeting and item; a show of hands has no online vote to show.
        "in_meeting": meeting_where(proposal), "show_of_hands": show_of_hands,
        "can_manage": can_manage,
        "can_recuse_others": can_recuse_others,
        "recusable": (sorted(eligible_voters(proposal).values(), key=lambda voter: voter.label.lower())
                      if can_recuse_others and with_recusable else []),
        "recusable_asked": with_recusable, "recusable_url": recusable_url,
        "ranked": method.ballot_shape == "ranking",
        "receipt_form": ReceiptForm() if finished and not show_of_hands else None,
        "register_url": register_url,
    }
