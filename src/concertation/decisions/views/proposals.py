"""Screens of proposals: a space's list, writing one, its page (text, rules, vote, results, history,
discussion) and the actions of those who run the space.

Views stay thin: load what the person may see (404 otherwise), check the permission, call a
service, render. Every change is a POST protected by its CSRF token. A proposal whose closing time
has passed is closed when its page is opened, so that results never wait for the worker.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from concertation.core.errors import DomainError, add_domain_error
from concertation.core.formatting import NBSP
from concertation.directory.models import Organization
from concertation.spaces.access import access_for
from concertation.spaces.charter_text import method_phrase
from concertation.spaces.selectors import charter_in_force
from concertation.spaces.views.common import load_space, require

from .. import ballots, methods, services
from ..eligibility import (
    eligible_voters,
    recused_keys,
    voter_by_key,
    voters_for_user,
)
from ..explain import explain
from ..forms import (
    AmendForm,
    DecideForm,
    ProposalForm,
    RecusalForm,
    VoteForm,
    method_of,
)
from ..links import proposal_links
from ..models import Proposal, Recusal
from ..page import colleges_of, proposal_page, vote_prefix
from ..vote_loading import proposal_for_page, proposal_for_vote

User = get_user_model()
Status = Proposal.Status
Visibility = Proposal.ResultsVisibility
PAGE_SIZE = 25
#: the proposal page's parameter that lists every voter, for noting someone else's conflict of interest
RECUSABLE_PARAM = "conflit"


# Loading ---------------------------------------------------------------------------------------

def _load(request, territory: str, space: str, pk: int, perm: str = "decisions.view_proposal", *,
          for_page: bool = True):
    """The space and the proposal the person may reach with ``perm`` (404 otherwise).

    The proposal comes with its space in one query; when either is out of reach, the space's own
    loading answers (the same 404, and the same line in the audit log for a hidden space).
    ``for_page=False`` loads only what casting a ballot reads (no author, participation count or
    names of the recused), for the vote that must cost little.
    """
    if for_page:
        proposal = proposal_for_page(territory, space, pk)  # two statements written out (vote_loading.py)
    else:
        proposal = (Proposal.objects.select_related("space__territory", "space__parent")
                    .prefetch_related(Prefetch("recusals", queryset=Recusal.objects.only(
                        "proposal_id", "person_id", "organization_id")))
                    .filter(space__territory__slug=territory, space__slug=space, pk=pk).first())
    if proposal is None or not access_for(request.user).can_view(proposal.space):
        load_space(request, territory, space)  # 404 (logged when the space exists) if the space is out of reach
        raise Http404
    require(request.user, perm, proposal)
    return proposal.space, proposal


def _is_due(proposal: Proposal) -> bool:
    return proposal.status == Status.OPEN and proposal.closes_at is not None and proposal.closes_at <= timezone.now()


def _load_current(request, territory: str, space: str, pk: int, perm: str = "decisions.view_proposal", *,
                  for_page: bool = True):
    """Like _load, closing first a proposal whose closing time has passed (the lazy close)."""
    space_obj, proposal = _load(request, territory, space, pk, perm, for_page=for_page)
    if _is_due(proposal):
        try:
            services.proposal_close(proposal=proposal)
        except DomainError:
            pass
        space_obj, proposal = _load(request, territory, space, pk, perm, for_page=for_page)
    return space_obj, proposal


def _proposal_url(proposal: Proposal, anchor: str = "") -> str:
    url = reverse("decisions:proposal", kwargs={
        "territory": proposal.space.territory.slug, "space": proposal.space.slug, "pk": proposal.pk,
    })
    return f"{url}#{anchor}" if anchor else url


def _register_url(space) -> str:
    try:
        return reverse("register:space", kwargs={"territory": space.territory.slug, "space": space.slug})
    except NoReverseMatch:
        return ""


# The list --------------------------------------------------------------------------------------

@require_safe
def proposals(request, territory, space):
    """Open proposals first (closing soonest first), then drafts one may see, then the rest."""
    space = load_space(request, territory, space)
    user = request.user
    queryset = Proposal.objects.filter(space=space)
    if not access_for(user).facilitates(space):
        drafts_seen = Q(author=user) if user.is_authenticated else Q(pk__in=[])
        queryset = queryset.filter(~Q(status=Status.DRAFT) | drafts_seen)
    queryset = (
        queryset.annotate(
            group=Case(
                When(status=Status.OPEN, then=Value(0)), When(status=Status.DRAFT, then=Value(1)),
                default=Value(2), output_field=IntegerField(),
            ),
            participants=Count("participations", filter=Q(participations__round=F("round")), distinct=True),
        )
        .order_by(
            "group",
            Case(When(status=Status.OPEN, then=F("closes_at"))).asc(nulls_last=True),
            Coalesce("decided_at", "closed_at", "created_at").desc(),
            "-pk",
        )
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for proposal in page.object_list:
        proposal.space = space
        proposal.is_due = proposal.status == Status.OPEN and proposal.closes_at is not None and proposal.closes_at <= now
    return render(request, "decisions/proposal_list.html", {
        "territory": space.territory, "space": space, "page": page,
        "can_add": user.has_perm("decisions.add_proposal", space),
        "register_url": _register_url(space),
    })


@login_required
def proposal_add(request, territory, space):
    space = load_space(request, territory, space, perm="decisions.add_proposal")
    charter = charter_in_force(space)
    form = ProposalForm(request.POST or None, charter=charter)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(space=space, author=request.user, **form.service_kwargs())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La proposition est enregistrée comme brouillon. Relisez-la, puis ouvrez "
                                        "le vote quand elle est prête."))
            return redirect(_proposal_url(proposal))
    return render(request, "decisions/proposal_form.html", {
        "territory": space.territory, "space": space, "form": form, "charter": charter,
        "rule_text": _charter_rule_text(charter),
        "may_override": form.may_override,
    })


def _charter_rule_text(charter) -> str:
    if charter is None:
        return _("Cet espace n'a pas encore de charte : la proposition sera décidée à la majorité simple des "
                 "voix exprimées, une voix par personne, à moins que vous choisissiez une autre méthode.")
    return _("Selon la charte de l'espace{nbsp}: %(method)s.").replace("{nbsp}", NBSP) % {
        "method": method_phrase(charter, charter.method)}


# The proposal page -----------------------------------------------------------------------------

def _page_context(request, space, proposal: Proposal, *, bound: dict | None = None,
                  notices: dict | None = None, with_recusable: bool = False) -> dict:
    """The proposal page's context (decisions/page.py), with the page's links."""
    return proposal_page(
        request.user, space, proposal, bound=bound, notices=notices, with_recusable=with_recusable,
        recusable_url=_proposal_url(proposal) + "?" + RECUSABLE_PARAM + "=1",
        register_url=_register_url(space) if proposal.status == Status.DECIDED else "",
    )


@require_safe
def proposal(request, territory, space, pk):
    """The proposal's page; ``?conflit=1`` adds, for those who run the space, the list of every voter
    whose conflict of interest they may note (the htmx request asks for that form alone)."""
    space, proposal = _load_current(request, territory, space, pk)
    with_recusable = request.GET.get(RECUSABLE_PARAM) == "1"
    context = _page_context(request, space, proposal, with_recusable=with_recusable)
    if with_recusable and request.htmx:
        return render(request, "decisions/proposal.html#recusal_other", context)
    # What higher apps offer to do with this decision (planning: « Ajuster le plan »); see links.py.
    context["decision_links"] = proposal_links(proposal, request.user)
    return render(request, "decisions/proposal.html", context)


@require_safe
def results(request, territory, space, pk):
    """The results fragment, polled by htmx every 10 s while the vote is open."""
    space, proposal = _load_current(request, territory, space, pk)
    if not request.htmx:
        return redirect(_proposal_url(proposal, "resultats"))
    return render(request, "decisions/proposal.html#results", _page_context(request, space, proposal))


def _load_for_vote(request, territory: str, space: str, pk: int):
    """The space and the proposal a ballot is cast on, as _load_current(for_page=False) gives them
    (404 out of reach, then the lazy close of a due proposal), in the one query of vote_loading."""
    def load():
        proposal = proposal_for_vote(territory, space, pk)
        if proposal is None or not access_for(request.user).can_view(proposal.space):
            load_space(request, territory, space)  # 404 (logged when the space exists) if the space is out of reach
            raise Http404
        require(request.user, "decisions.view_proposal", proposal)
        return proposal

    proposal = load()
    if _is_due(proposal):
        try:
            services.proposal_close(proposal=proposal)
        except DomainError:
            pass
        proposal = load()
    return proposal.space, proposal


@login_required
@require_POST
def vote(request, territory, space, pk):
    # Only what a ballot needs, and only the memberships this person sits through: a vote costs the
    # same whatever the size of the space. The page is loaded in full only to show an error.
    space, proposal = _load_for_vote(request, territory, space, pk)
    all_voters = (eligible_voters(proposal, include_recused=True, for_person=request.user)
                  if proposal.status == Status.OPEN else {})
    recused = recused_keys(proposal)
    mine = voters_for_user(proposal, request.user, {k: v for k, v in all_voters.items() if k not in recused})
    key = request.POST.get("voter", "")
    voter = next((item for item in mine if item.key == key), None)
    if voter is None and not key and len(mine) == 1:
        voter = mine[0]
    if voter is None:
        if not proposal.accepting_ballots():
            message = _("Le vote est fermé : il n'est plus possible de voter ni de changer de vote.")
        elif key.startswith("o:") and mine:
            message = _("Vous ne pouvez pas voter au nom de cet organisme : seules sa personne déléguée et sa ou "
                        "son substitut le peuvent.")
        else:
            try:
                ballots.voter_for(proposal, request.user, voters=all_voters)
                message = _("Choisissez au nom de qui vous votez.")
            except DomainError as error:
                message = str(error.message)
        return _vote_refused(request, territory, space, pk, proposal, message)

    options = []
    if methods.get_method(proposal.method).needs_options:
        prefetch_related_objects([proposal], "options")  # read again by ballot_cast
        options = list(proposal.options.all())
    form = VoteForm(request.POST, proposal=proposal, options=options, prefix=vote_prefix(voter.key))
    if form.is_valid():
        # The organization as the voter knows it (its id and name): ballot_cast only reads those.
        organization = Organization(pk=voter.organization_id, name=voter.label) if voter.organization_id else None
        try:
            ballot = ballots.ballot_cast(proposal=proposal, person=request.user, value=form.ballot_value(),
                                         reason=form.ballot_reason(), organization=organization, voters=all_voters)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            text = _("Votre vote est enregistré. Vous pouvez le changer jusqu'à la fermeture.")
            if request.htmx:
                space, proposal = _load(request, territory, space.slug, pk)  # the counts as they are now
                context = _page_context(request, space, proposal, notices={voter.key: text})
                return _vote_fragment(request, context)
            messages.success(request, text + " " + _("Code de reçu : %(code)s.") % {"code": ballot.receipt})
            return redirect(_proposal_url(proposal, "vote"))
    space, proposal = _load(request, territory, space.slug, pk)
    context = _page_context(request, space, proposal, bound={voter.key: form})
    if request.htmx:
        return _vote_fragment(request, context, with_results=False)
    return render(request, "decisions/proposal.html", context)


def _vote_fragment(request, context: dict, *, with_results: bool = True) -> HttpResponse:
    """The vote section, and the results section swapped out of band (they may now be visible)."""
    html = render_to_string("decisions/proposal.html#vote", context, request=request)
    if with_results:
        html += render_to_string("decisions/proposal.html#results", {**context, "oob": True}, request=request)
    return HttpResponse(html)


def _vote_refused(request, territory, space, pk, proposal, message: str):
    if request.htmx:
        space, proposal = _load(request, territory, space.slug, pk)
        context = _page_context(request, space, proposal)
        context["vote_notice"] = message
        return _vote_fragment(request, context, with_results=False)
    messages.error(request, message)
    return redirect(_proposal_url(proposal, "vote"))


# Actions of those who run the space ------------------------------------------------------------

def _act(request, proposal, action, success: str, anchor: str = ""):
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect(_proposal_url(proposal, anchor))


@login_required
@require_POST
def proposal_open(request, territory, space, pk):
    _space, proposal = _load(request, territory, space, pk, perm="decisions.manage_proposal")
    return _act(request, proposal, lambda: services.proposal_open(proposal=proposal, by=request.user),
                _("Le vote est ouvert. Les membres qui votent peuvent maintenant se prononcer."))


@login_required
@require_POST
def proposal_close(request, territory, space, pk):
    _space, proposal = _load(request, territory, space, pk, perm="decisions.manage_proposal")
    return _act(request, proposal, lambda: services.proposal_close(proposal=proposal, by=request.user),
                _("Le vote est fermé et les résultats sont comptés. Écrivez maintenant la décision."),
                "resultats")


@login_required
@require_POST
def proposal_withdraw(request, territory, space, pk):
    _space, proposal = _load(request, territory, space, pk, perm="decisions.manage_proposal")
    return _act(request, proposal, lambda: services.proposal_withdraw(proposal=proposal, by=request.user),
                _("La proposition est retirée."))


@login_required
def proposal_amend(request, territory, space, pk):
    space, proposal = _load_current(request, territory, space, pk, perm="decisions.manage_proposal")
    form = AmendForm(request.POST or None, initial={"title": proposal.title, "body": proposal.body})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        previous_round = proposal.round
        try:
            amended = services.proposal_amend(proposal=proposal, by=request.user, title=data["title"],
                                              body=data["body"], reason=data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            text = _("La proposition est amendée : voici la version %(version)s.") % {"version": amended.version}
            if amended.round != previous_round:
                text += " " + _("Un nouveau tour de vote commence : chaque personne se prononce de nouveau. Le "
                                "tour précédent reste visible dans l'historique.")
            messages.success(request, text)
            return redirect(_proposal_url(proposal))
    return render(request, "decisions/amend.html", {
        "territory": space.territory, "space": space, "proposal": proposal, "form": form,
        "new_round": proposal.status == Status.OPEN and method_of(proposal).rounds_on_amendment,
    })


@login_required
def proposal_decide(request, territory, space, pk):
    space, proposal = _load_current(request, territory, space, pk, perm="decisions.manage_proposal")
    colleges = colleges_of(proposal, space)
    college_names = {slug: (college.name, college.kind) for slug, college in colleges.items()}
    explanation = explain(proposal, college_names)
    form = DecideForm(request.POST or None, initial={
        "outcome": proposal.outcome or (f"{proposal.title}. {explanation}" if explanation else proposal.title),
        "dissent": proposal.dissent,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_decide(proposal=proposal, by=request.user, outcome=form.cleaned_data["outcome"],
                                     dissent=form.cleaned_data["dissent"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("La décision est inscrite au registre."))
            return redirect(_proposal_url(proposal))
    return render(request, "decisions/decide.html", {
        "territory": space.territory, "space": space, "proposal": proposal, "form": form,
        "explanation": explanation,
    })


# Recusals -------------------------------------------------------------------------

@login_required
@require_POST
def recusal(request, territory, space, pk):
    """Declare a conflict of interest: one's own (or one's organization's), or, for those who run
    the space, someone else's."""
    _space, proposal = _load(request, territory, space, pk)
    key = request.POST.get("voter", "")
    form = RecusalForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    mine = eligible_voters(proposal, include_recused=True, for_person=request.user)
    own = {voter.key: voter for voter in voters_for_user(proposal, request.user, mine)}
    voter = own.get(key)
    if voter is None and request.user.has_perm("decisions.manage_proposal", proposal):
        voter = voter_by_key(proposal, key)
    if voter is None:
        messages.error(request, _("Vous ne pouvez déclarer un conflit d'intérêts que pour vous-même ou pour "
                                  "l'organisme que vous représentez."))
        return redirect(_proposal_url(proposal, "vote"))
    person = User.objects.get(pk=voter.person_id) if voter.person_id else None
    organization = Organization.objects.get(pk=voter.organization_id) if voter.organization_id else None
    if key in own:
        success = _("Votre conflit d'intérêts est noté : vous ne votez pas sur cette proposition, et un vote "
                    "déjà donné ne compte plus.")
    else:
        success = _("Le conflit d'intérêts de « %(name)s » est noté : ce vote ne comptera pas.") % {
            "name": voter.label}
    return _act(request, proposal,
                lambda: services.recusal_declare(proposal=proposal, by=request.user, person=person,
                                                 organization=organization, reason=reason),
                success, "vote")
