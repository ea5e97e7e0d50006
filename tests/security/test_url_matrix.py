"""The permission matrix: every URL of the project × every kind of user × objects of a public space,
of a members-only space and of another territory → the expected answer (issue 8, item 1).

- `ROUTES` holds the expectations, as data, grouped by app. A URL pattern without an entry fails
  `test_every_url_has_an_entry` (and an entry without a URL fails it too): adding a view means
  saying here who may reach it.
- `test_get` requests every cell with GET. A POST-only view answers GET with 405 (or sends an
  anonymous visitor to sign in first).
- `test_out_of_reach_looks_missing`: an object of a private space or of another territory answers
  exactly like one that does not exist — the same status and the same body (once the address
  itself and the per-request tokens are set aside), for an anonymous visitor and an outsider.
- `test_ids_across_spaces_look_missing`: the id of an object of another space (the committee's, or
  another territory's) put in the address of a space one may see or even run answers like a
  missing id.
- `test_refused_post_changes_nothing` / `test_allowed_post_changes_something`: every state-changing
  route, posted by each kind of user without the permission, is refused (404; sign-in for anonymous
  visitors) and leaves the rows of the models it writes unchanged; one kind of user with the
  permission posting the same data does change them (so the refusal is the permission's doing, not
  the data's).

The world (tests/security/conftest.py) is built once per module. Answers: 200 page, 302 redirect
(anonymous: to the sign-in page), 404 out of reach or missing, 405 method not allowed. An anonymous
visitor who opens a page of a space she may not see — or of one that does not exist — is sent to
sign in with the address in ``next`` (`HIDDEN`, issue 13): the same answer for both.
A known bug is a cell listed in a row's `bugs`: it runs as a strict xfail until the view is fixed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from concertation.insights.assessments.themes import SCORE_FIELDS
from concertation.notifications.unsubscribe import make_token as unsubscribe_token
from tests.security.conftest import (
    DRAFT_MEETING_MARK,
    DRAFT_PROPOSAL_MARK,
    MEMBERS_ONLY_MARK,
    OTHER_MARK,
    PRIVATE_MARK,
)

pytestmark = pytest.mark.django_db

KINDS = ("anonymous", "outsider", "foreigner", "observer", "delegate", "citizen", "facilitator", "coordinator",
         "admin")
SIGNED_IN = KINDS[1:]
RUNNERS = ("coordinator", "admin")
# Members of the public assembly: the observer (an observer organization's delegate), the delegate
# (a voting organization's), the citizen (in their own name); coordinators and admins see everything.
ASSEMBLY = ("observer", "delegate", "citizen", *RUNNERS)
# Who sees the members-only committee: its only member (the delegate), coordinators and admins.
COMMITTEE = ("delegate", *RUNNERS)
# Who sits somewhere in the territory (sees territory-wide spaces and the organization directory).
TERRITORY = ("observer", "delegate", "citizen", "facilitator", *RUNNERS)
# What each kind of user may read on a page (the words are in the objects' titles, see conftest.py).
SECRETS = {
    PRIVATE_MARK: COMMITTEE,                                  # the committee's objects
    OTHER_MARK: ("foreigner", "admin"),                       # the other territory's
    f"{DRAFT_PROPOSAL_MARK} public": ("citizen", *RUNNERS),  # the public draft: its author, those who run the space
    f"{DRAFT_MEETING_MARK} public": RUNNERS,                  # the public meeting in preparation
    MEMBERS_ONLY_MARK: ASSEMBLY,                              # the assembly's members-only document
}


def grid(allowed=KINDS, *, ok=200, refused=404, anonymous=None) -> dict[str, int]:
    """{kind: status}: ``ok`` for the kinds allowed, ``refused`` for the others; anonymous visitors
    get ``anonymous`` when given (302: sent to sign in)."""
    answers = {kind: ok if kind in allowed else refused for kind in KINDS}
    if anonymous is not None:
        answers["anonymous"] = anonymous
    return answers


class HiddenSignIn(int):
    """302 to the sign-in page because the territory or space is out of an anonymous visitor's
    sight (members only, territory only, or missing: spaces/middleware.py). Reading only: a post
    there is refused with 404 like any out-of-reach post."""


# Members-only links: an anonymous visitor who opens a page of a space she may not see (or of a
# space that does not exist) is sent to sign in, and comes back to it after.
HIDDEN = HiddenSignIn(302)

EVERYONE = grid()
SIGN_IN_FIRST = grid(SIGNED_IN, anonymous=302)           # any account (@login_required)
SEE_PUBLIC = EVERYONE                                    # a page of the public assembly
SEE_PRIVATE = grid(COMMITTEE, anonymous=HIDDEN)          # a page of the members-only committee
RUN_PUBLIC = RUN_PRIVATE = grid(RUNNERS, anonymous=302)  # those who run or coordinate the space (@login_required)
POST_ONLY = grid(ok=405)                                 # @require_POST alone
POST_ONLY_SIGNED_IN = grid(ok=405, anonymous=302)        # @login_required then @require_POST


@dataclass
class Row:
    """Expectations for one route: what to put in its URL (from a space's objects), and the answer
    for each kind of user, per kind of object.

    ``public``/``private`` hold objects of the public assembly and of the members-only committee;
    ``other`` objects of the other territory — by default: the foreigner (a member there) answered
    like the citizen in the public assembly, the admin like in the committee, everyone else like
    an outsider in the committee. ``everywhere`` is for routes that belong to no space (home, the
    person's own pages). ``htmx`` sends the request as htmx does (for fragments).
    """

    kwargs: Callable | None = None
    public: dict | None = None
    private: dict | None = None
    other: dict | None = None
    everywhere: dict | None = None
    htmx: bool = False
    guessable: bool = True  # False: the address holds no id that could name another space's object
    credential: bool = False  # the address holds a secret token: whoever has it sees what it opens
    bugs: dict = field(default_factory=dict)  # ("get" or "post", variant, kind) → "bug: …"

    def expected(self) -> dict[str, dict[str, int]]:
        if self.everywhere is not None:
            return {"everywhere": self.everywhere}
        columns = {}
        if self.public is not None:
            columns["public"] = self.public
        if self.private is not None:
            columns["private"] = self.private
        other = self.other
        if other is None and self.private is not None:
            other = {kind: self.private["outsider"] for kind in KINDS}
            other["anonymous"] = self.private["anonymous"]
            other["admin"] = self.private["admin"]
            other["foreigner"] = self.public["citizen"]
        if other is not None:
            columns["other"] = other
        return columns


def sign_in_missing(view: str, *, post: bool = False) -> dict:
    """A page for some signed-in people only that answers anonymous visitors 404 instead of sending
    them to sign in (@login_required is missing): a secretary whose session ended is told the page
    does not exist."""
    reason = f"bug: {view} lacks @login_required: anonymous visitors get 404, not the sign-in page"
    cells = {("get", variant, "anonymous"): reason for variant in ("public", "private", "other")}
    if post:
        cells.update({("post", variant, "anonymous"): reason for variant in ("public", "private", "other")})
    return cells


def space_row(kwargs=None, *, public, private, **options) -> Row:
    return Row(kwargs, public=public, private=private, **options)


def ids(**names) -> Callable:
    """kwargs from a space's objects: ids(pk="open_proposal") → lambda o: {"pk": o.open_proposal.pk}."""
    def build(o):
        return {key: getattr(o, name).pk for key, name in names.items()}
    return build


def with_kind(kind: str, **names) -> Callable:
    def build(o):
        return {"kind": kind, **ids(**names)(o)}
    return build


# The matrix -------------------------------------------------------------------------------------

ROUTES: dict[str, Row] = {
    # --- the project shell ---
    "home": Row(everywhere=EVERYONE),
    "floor": Row(everywhere=EVERYONE),                      # the benchmark floor: a bare page, no data
    "healthz": Row(everywhere=EVERYONE),
    "set_language": Row(everywhere=POST_ONLY),
    "profile": Row(everywhere=SIGN_IN_FIRST),
    "account_erase": Row(everywhere=SIGN_IN_FIRST),         # one's own account only
    "personal_data": Row(everywhere=SIGN_IN_FIRST),         # one's own data only (Law 25): the ZIP on POST
    "privacy": Row(everywhere=EVERYONE),                    # the privacy page (Law 25)

    # --- spaces: territories, organizations, import ---
    "spaces:territories": Row(everywhere=EVERYONE),
    # The other territory has no public space: only its members (the foreigner) and admins see it.
    "spaces:territory": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "spaces:space_add": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "spaces:organizations": Row(public=grid(TERRITORY, anonymous=302),
                                other=grid(("foreigner", "admin"), anonymous=302)),
    "spaces:organization_add": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "spaces:organization_edit": Row(ids(pk="organization"), public=RUN_PUBLIC,
                                    other=grid(("admin",), anonymous=302)),
    "spaces:import": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "spaces:import_template_csv": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "spaces:import_template_xlsx": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "spaces:audit_log": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),

    # --- knowledge: the territory's portrait (seen like the territory, changed by its coordinators) ---
    "portrait:index": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "portrait:figure_add": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "portrait:figure_edit": Row(ids(pk="figure"), public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "portrait:figure_delete": Row(ids(pk="figure"), public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "portrait:import": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "portrait:template_csv": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "portrait:template_xlsx": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),

    # --- spaces: a space, its members, roles, charter, invitations ---
    "spaces:space": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    "spaces:space_edit": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:members": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:member_add": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:member_edit": space_row(ids(pk="membership"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:member_end": space_row(ids(pk="membership"), public=POST_ONLY_SIGNED_IN, private=POST_ONLY_SIGNED_IN),
    "spaces:roles": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:role_rotation": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),  # who held each role, over the years
    "spaces:role_add": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:role_edit": space_row(ids(pk="role"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:role_assign": space_row(ids(pk="role"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:assignment_end": space_row(ids(pk="assignment"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "spaces:charter": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    "spaces:charter_edit": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    # A charter's version number counts within its space: version 1 exists in every space.
    "spaces:charter_version": space_row(lambda o: {"version": o.charter_version}, public=SEE_PUBLIC,
                                        private=SEE_PRIVATE, guessable=False),
    "spaces:invitations": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    # Announcements: whoever sees the space reads them; its coordination posts one (issue 16).
    "spaces:announcements": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    "spaces:invitation_resend": space_row(ids(pk="invitation"), public=POST_ONLY_SIGNED_IN,
                                          private=POST_ONLY_SIGNED_IN),
    "spaces:invitation_revoke": space_row(ids(pk="invitation"), public=POST_ONLY_SIGNED_IN,
                                          private=POST_ONLY_SIGNED_IN),
    # The invitation link is a credential: whoever holds it sees the invitation, whatever the space.
    "spaces:invitation_accept": Row(lambda o: {"token": o.invitation.token}, public=EVERYONE, private=EVERYONE,
                                    other=EVERYONE, credential=True),

    # --- decisions: proposals ---
    "decisions:proposals": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    # Writing a proposal: members of the space and those who run it.
    "decisions:proposal_add": space_row(public=grid(ASSEMBLY, anonymous=302), private=grid(COMMITTEE, anonymous=302)),
    "decisions:proposal": space_row(ids(pk="open_proposal"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "decisions:vote": space_row(ids(pk="open_proposal"), public=POST_ONLY_SIGNED_IN, private=POST_ONLY_SIGNED_IN),
    # The results fragment (polled by htmx while the vote is open).
    "decisions:results": space_row(ids(pk="open_proposal"), public=SEE_PUBLIC, private=SEE_PRIVATE, htmx=True),
    "decisions:proposal_open": space_row(ids(pk="draft_proposal"), public=POST_ONLY_SIGNED_IN,
                                         private=POST_ONLY_SIGNED_IN),
    "decisions:proposal_close": space_row(ids(pk="open_proposal"), public=POST_ONLY_SIGNED_IN,
                                          private=POST_ONLY_SIGNED_IN),
    # Amending an open proposal, recording the outcome of a closed one: those who run the space.
    "decisions:proposal_amend": space_row(ids(pk="open_proposal"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "decisions:proposal_decide": space_row(ids(pk="closed_proposal"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "decisions:proposal_withdraw": space_row(ids(pk="open_proposal"), public=POST_ONLY_SIGNED_IN,
                                             private=POST_ONLY_SIGNED_IN),
    "decisions:recusal": space_row(ids(pk="open_proposal"), public=POST_ONLY_SIGNED_IN, private=POST_ONLY_SIGNED_IN),
    # Checking a vote receipt: a POST (the code stays out of addresses) by whoever sees the proposal.
    "decisions:receipt": space_row(ids(pk="closed_proposal"), public=POST_ONLY, private=POST_ONLY),

    # --- knowledge: practice sheets of a territory (a draft's readers: tests/knowledge) ---
    "practices:list": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "practices:sheet": Row(ids(pk="practice_sheet"), public=EVERYONE,
                           other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "practices:pdf": Row(ids(pk="practice_sheet"), public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "practices:add": Row(public=grid(TERRITORY, anonymous=302), other=grid(("foreigner", "admin"), anonymous=302)),
    "practices:edit": Row(ids(pk="practice_sheet"), public=grid(("citizen", *RUNNERS), anonymous=302),
                          other=grid(("foreigner", "admin"), anonymous=302)),
    "practices:delete": Row(ids(pk="practice_sheet"), public=grid(("citizen", *RUNNERS), anonymous=302),
                            other=grid(("foreigner", "admin"), anonymous=302)),
    "practices:publish": Row(ids(pk="practice_draft"), public=POST_ONLY_SIGNED_IN, other=POST_ONLY_SIGNED_IN),
    "practices:unpublish": Row(ids(pk="practice_sheet"), public=POST_ONLY_SIGNED_IN, other=POST_ONLY_SIGNED_IN),
    # --- knowledge: discussions, under the territory's address (a proposal, a meeting, an activity) ---
    # An anonymous visitor who may not see the object (or when it does not exist) is asked to sign in.
    "discussions:thread": Row(with_kind("proposal", object_id="open_proposal"), public=SEE_PUBLIC,
                              private=SEE_PRIVATE),
    "discussions:history": Row(ids(pk="comment"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    # The mention picker's names: for those who may write in the discussion.
    "discussions:people": Row(with_kind("proposal", object_id="open_proposal"), public=grid(ASSEMBLY, anonymous=302),
                              private=grid(COMMITTEE, anonymous=302)),
    "discussions:edit": Row(ids(pk="comment"), public=grid(("citizen",), anonymous=302),
                            private=grid(("delegate",), anonymous=302)),
    "discussions:hide": Row(ids(pk="comment"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "discussions:unhide": Row(ids(pk="hidden_comment"), public=POST_ONLY_SIGNED_IN, private=POST_ONLY_SIGNED_IN),

    # --- decisions: the register (page, CSV, Atom feed) ---
    # --- knowledge: references (repères) of a territory; the list is open wherever the territory is ---
    "references:list": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "references:add": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "references:edit": Row(ids(pk="reference"), public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "references:delete": Row(ids(pk="reference"), public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    "references:move": Row(ids(pk="reference"), public=POST_ONLY_SIGNED_IN, other=POST_ONLY_SIGNED_IN),

    # --- public: a territory's window; the matrix world's territory opted in, the other did not (404) ---
    **{f"public_window:{name}": Row(public=EVERYONE, other=grid(()))
       for name in ("home", "spaces", "meetings", "decisions", "plans", "documents", "practices", "references",
                    "og_image")},
    "public_window:plan": Row(ids(plan="plan"), public=EVERYONE, other=grid(())),
    "public_settings:settings": Row(public=RUN_PUBLIC, other=grid(("admin",), anonymous=302)),
    # its open data (Popolo JSON, the plan's and indicators' CSV): the same window, the same answers
    **{f"opendata:{name}": Row(public=EVERYONE, other=grid(()))
       for name in ("popolo", "plan_csv", "indicators_csv")},

    "register:territory": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "register:territory_csv": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "register:territory_feed": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    "register:space": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    "register:space_csv": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    "register:space_feed": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),

    # --- insights: governance health (those who sit in the space / in the territory; never anonymous) ---
    "health:space": space_row(public=grid(ASSEMBLY, anonymous=302), private=grid(COMMITTEE, anonymous=302)),
    "health:space_csv": space_row(public=grid(ASSEMBLY, anonymous=302), private=grid(COMMITTEE, anonymous=302)),
    "health:territory": Row(public=grid(TERRITORY, anonymous=302), other=grid(("foreigner", "admin"), anonymous=302)),
    "health:territory_csv": Row(public=grid(TERRITORY, anonymous=302),
                                other=grid(("foreigner", "admin"), anonymous=302)),
    # --- search: a territory's search page (open wherever the territory is; results filtered) ---
    "search:search": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),

    # --- meetings: preparing and announcing ---
    "meetings:list": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    "meetings:add": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    "meetings:space_feed": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    # The answer link of the notice is a credential (no sign-in): whoever holds it answers.
    "meetings:rsvp": space_row(lambda o: {"token": o.rsvp.token}, public=EVERYONE, private=EVERYONE, other=EVERYONE,
                               credential=True),
    "meetings:meeting": space_row(ids(pk="convened_meeting"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "meetings:edit": space_row(ids(pk="convened_meeting"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "meetings:item_add": space_row(ids(pk="convened_meeting"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    # Proposing an item: voting members (the charter's default), not the observer.
    "meetings:item_propose": space_row(ids(pk="convened_meeting"),
                                       public=grid(("delegate", "citizen", *RUNNERS), anonymous=302),
                                       private=grid(COMMITTEE, anonymous=302)),
    "meetings:item_edit": space_row(ids(pk="convened_meeting", item="agenda_item"), public=RUN_PUBLIC,
                                    private=RUN_PRIVATE),
    "meetings:item_move": space_row(ids(pk="convened_meeting", item="agenda_item"), public=POST_ONLY_SIGNED_IN,
                                    private=POST_ONLY_SIGNED_IN),
    "meetings:item_delete": space_row(ids(pk="convened_meeting", item="agenda_item"), public=POST_ONLY_SIGNED_IN,
                                      private=POST_ONLY_SIGNED_IN),
    "meetings:item_accept": space_row(ids(pk="convened_meeting", item="proposed_item"), public=POST_ONLY_SIGNED_IN,
                                      private=POST_ONLY_SIGNED_IN),
    "meetings:item_decline": space_row(ids(pk="convened_meeting", item="proposed_item"),
                                       public=POST_ONLY_SIGNED_IN, private=POST_ONLY_SIGNED_IN),
    "meetings:convene": space_row(ids(pk="convened_meeting"), public=POST_ONLY_SIGNED_IN,
                                  private=POST_ONLY_SIGNED_IN),
    "meetings:cancel": space_row(ids(pk="convened_meeting"), public=POST_ONLY_SIGNED_IN, private=POST_ONLY_SIGNED_IN),
    "meetings:notice_pdf": space_row(ids(pk="convened_meeting"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "meetings:meeting_ics": space_row(ids(pk="convened_meeting"), public=SEE_PUBLIC, private=SEE_PRIVATE),

    "decisions:proposal_documents": space_row(ids(pk="open_proposal"), public=POST_ONLY_SIGNED_IN,
                                              private=POST_ONLY_SIGNED_IN),
    "planning:activity_documents": space_row(ids(plan="plan", item="activity"), public=POST_ONLY_SIGNED_IN,
                                             private=POST_ONLY_SIGNED_IN),

    # --- knowledge: the document library (the agenda's documents live there) ---
    # The matrix's document is the convened meeting's agenda file: « public » within its space.
    "documents:library": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    "documents:document": space_row(ids(pk="document"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    # A version's file (the only way to it: nothing serves /media/): whoever sees the document.
    "documents:download": space_row(lambda o: {"pk": o.document.pk, "number": 1}, public=SEE_PUBLIC,
                                    private=SEE_PRIVATE),
    # Adding a document: the space's members and those who run it.
    "documents:add": space_row(public=grid(ASSEMBLY, anonymous=302), private=grid(COMMITTEE, anonymous=302)),
    # Changing one: who added it (here the coordinator) and those who run the space.
    "documents:edit": space_row(ids(pk="document"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "documents:delete": space_row(ids(pk="document"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "documents:version_add": space_row(ids(pk="document"), public=POST_ONLY_SIGNED_IN, private=POST_ONLY_SIGNED_IN),
    # Every document of the territory the person may see (the committee's for its members only).
    "territory_documents:library": Row(public=EVERYONE, other=grid(("foreigner", "admin"), anonymous=HIDDEN)),

    # --- meetings: during the meeting ---
    "meetings:live": space_row(ids(pk="live_meeting"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    # The names a « who » field of the live page finds as they are typed: for those who run it, as the page.
    "meetings:live_names": space_row(ids(pk="live_meeting"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "meetings:open": space_row(ids(pk="convened_meeting"), public=POST_ONLY, private=POST_ONLY),
    "meetings:attendance": space_row(ids(pk="live_meeting"), public=POST_ONLY, private=POST_ONLY),
    "meetings:attendance_yes": space_row(ids(pk="convened_meeting"), public=POST_ONLY, private=POST_ONLY),
    "meetings:follow_up_review": space_row(ids(pk="live_meeting", fu="follow_up"), public=POST_ONLY,
                                           private=POST_ONLY),
    "meetings:item_notes": space_row(ids(pk="live_meeting", item="live_item"), public=POST_ONLY, private=POST_ONLY),
    "meetings:conflict": space_row(ids(pk="live_meeting", item="live_item"), public=POST_ONLY, private=POST_ONLY),
    "meetings:decision": space_row(ids(pk="live_meeting", item="live_item"), public=POST_ONLY, private=POST_ONLY),
    "meetings:open_vote": space_row(ids(pk="live_meeting", item="live_item"), public=POST_ONLY, private=POST_ONLY),
    "meetings:follow_up_add": space_row(ids(pk="live_meeting", item="live_item"), public=POST_ONLY,
                                        private=POST_ONLY),
    "meetings:close": space_row(ids(pk="live_meeting"), public=POST_ONLY, private=POST_ONLY),
    # The quorum is shown to everyone who sees the meeting; the attendance sheet to those who run it.
    "meetings:quorum": space_row(ids(pk="live_meeting"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "meetings:attendance_sheet": space_row(ids(pk="live_meeting"), public=RUN_PUBLIC, private=RUN_PRIVATE),

    # --- meetings: after the meeting ---
    # Circulated minutes are read by everyone who sees the meeting.
    "meetings:minutes": space_row(ids(pk="held_meeting"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "meetings:minutes_generate": space_row(ids(pk="held_meeting"), public=POST_ONLY, private=POST_ONLY),
    "meetings:minutes_circulate": space_row(ids(pk="held_meeting"), public=POST_ONLY, private=POST_ONLY),
    "meetings:minutes_comment": space_row(ids(pk="held_meeting"), public=POST_ONLY, private=POST_ONLY),
    "meetings:minutes_adopt": space_row(ids(pk="held_meeting"), public=POST_ONLY, private=POST_ONLY),
    "meetings:minutes_pdf": space_row(ids(pk="held_meeting"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "meetings:follow_ups": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    # A follow-up is changed by its person (the space's member here), or by those who run the space.
    "meetings:follow_up_edit": space_row(ids(fu="follow_up"), public=grid(("citizen", *RUNNERS), anonymous=302),
                                         private=grid(COMMITTEE, anonymous=302)),
    # Whoever sees a held meeting reaches its evaluation form (it says who may answer); anonymous
    # visitors are sent to sign in (by the view where they may see the meeting, as everywhere else
    # in a hidden space).
    "meetings:evaluate": space_row(ids(pk="held_meeting"), public=grid(anonymous=302), private=SEE_PRIVATE),
    "meetings:evaluation_results": space_row(ids(pk="held_meeting"), public=RUN_PUBLIC, private=RUN_PRIVATE),

    # --- insights: the self-assessment (who takes part in the space answers and sees the results;
    # who facilitates it opens rounds and gives a theme a follow-up) ---
    "assessments:index": space_row(public=grid(ASSEMBLY, anonymous=302), private=grid(COMMITTEE, anonymous=302)),
    "assessments:round": space_row(ids(pk="assessment_round"), public=grid(ASSEMBLY, anonymous=302),
                                   private=grid(COMMITTEE, anonymous=302)),
    "assessments:answer": space_row(ids(pk="assessment_round"), public=grid(ASSEMBLY, anonymous=302),
                                    private=grid(COMMITTEE, anonymous=302)),
    "assessments:open": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    "assessments:follow_up": space_row(lambda o: {"theme": "voice"}, public=RUN_PUBLIC, private=RUN_PRIVATE,
                                       guessable=False),

    # --- meetings: the person's own pages ---
    "my_meetings:personal_feed_settings": Row(everywhere=SIGN_IN_FIRST),
    # The calendar address is a credential: it answers whoever holds it (calendar apps have no session).
    "my_meetings:personal_feed": Row(lambda w: {"token": w.calendar_token.token}, everywhere=EVERYONE,
                                     credential=True),
    "my:my_follow_ups": Row(everywhere=SIGN_IN_FIRST),
    "home:my_spaces": Row(everywhere=SIGN_IN_FIRST),
    # --- api: one's own access tokens (another's answers 404: tests/api/test_api.py) ---
    "api_tokens:tokens": Row(everywhere=SIGN_IN_FIRST),
    "api_tokens:revoke": Row(lambda w: {"pk": 1}, everywhere=POST_ONLY_SIGNED_IN),

    # --- notifications: one's own centre and preferences; the unsubscribe link is a credential ---
    "notifications:centre": Row(everywhere=SIGN_IN_FIRST),
    "notifications:preferences": Row(everywhere=SIGN_IN_FIRST),
    "notifications:mark_read": Row(lambda w: {"pk": 1}, everywhere=POST_ONLY_SIGNED_IN),
    "notifications:mark_all_read": Row(everywhere=POST_ONLY_SIGNED_IN),
    # A GET shows the button and changes nothing; the signed token answers whoever holds it.
    "notifications:unsubscribe": Row(lambda w: {"token": unsubscribe_token(w.delegate, "minutes")},
                                     everywhere=EVERYONE, credential=True),

    # --- planning: the plan's structure and revisions ---
    "planning:plans": space_row(public=SEE_PUBLIC, private=SEE_PRIVATE),
    "planning:plan_add": space_row(public=RUN_PUBLIC, private=RUN_PRIVATE),
    "planning:plan": space_row(ids(plan="plan"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "planning:plan_edit": space_row(ids(plan="plan"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "planning:plan_adopt": space_row(ids(plan="draft_plan"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "planning:plan_archive": space_row(ids(plan="plan"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    "planning:revisions": space_row(ids(plan="plan"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    # Progress of an action: those who run the space, and the delegate of its lead organization.
    "planning:progress_add": space_row(ids(plan="plan", item="activity"), public=grid(COMMITTEE, anonymous=302),
                                       private=grid(COMMITTEE, anonymous=302)),
    "planning:item_add": space_row(lambda o: {"plan": o.plan.pk, "kind": "priority"}, public=RUN_PUBLIC,
                                   private=RUN_PRIVATE),
    "planning:item_edit": space_row(with_kind("activity", plan="plan", item="activity"), public=RUN_PUBLIC,
                                    private=RUN_PRIVATE),
    "planning:item_move": space_row(with_kind("activity", plan="plan", item="activity"), public=RUN_PUBLIC,
                                    private=RUN_PRIVATE),
    "planning:item_remove": space_row(with_kind("activity", plan="plan", item="activity"), public=RUN_PUBLIC,
                                      private=RUN_PRIVATE),
    "planning:item_figures": space_row(with_kind("objective", plan="plan", item="objective"), public=RUN_PUBLIC,
                                       private=RUN_PRIVATE),
    "planning:item_history": space_row(with_kind("activity", plan="plan", item="activity"), public=SEE_PUBLIC,
                                       private=SEE_PRIVATE),

    # --- planning: dashboard, bilan, indicators and measurements ---
    "planning:dashboard": space_row(ids(plan="plan"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "planning:dashboard_pdf": space_row(ids(plan="plan"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "planning:bilan": space_row(ids(plan="plan"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "planning:bilan_pdf": space_row(ids(plan="plan"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "planning:indicator_add": space_row(ids(plan="plan"), public=RUN_PUBLIC, private=RUN_PRIVATE),
    # Importing measurements (and its templates): those who run the space, and whoever records at
    # least one indicator of the plan (the delegate of the responsible organization).
    "planning:measurement_import": space_row(ids(plan="plan"), public=grid(COMMITTEE, anonymous=302),
                                             private=grid(COMMITTEE, anonymous=302)),
    "planning:measurement_template_csv": space_row(ids(plan="plan"), public=grid(COMMITTEE, anonymous=302),
                                                   private=grid(COMMITTEE, anonymous=302)),
    "planning:measurement_template_xlsx": space_row(ids(plan="plan"), public=grid(COMMITTEE, anonymous=302),
                                                    private=grid(COMMITTEE, anonymous=302)),
    "planning:indicator": space_row(ids(plan="plan", indicator="indicator"), public=SEE_PUBLIC, private=SEE_PRIVATE),
    "planning:indicator_edit": space_row(ids(plan="plan", indicator="indicator"), public=RUN_PUBLIC,
                                         private=RUN_PRIVATE),
    "planning:indicator_remove": space_row(ids(plan="plan", indicator="indicator"), public=RUN_PUBLIC,
                                           private=RUN_PRIVATE),
    "planning:measurement_add": space_row(ids(plan="plan", indicator="indicator"),
                                          public=grid(COMMITTEE, anonymous=302), private=grid(COMMITTEE, anonymous=302)),
    # Correcting or deleting a measurement: whoever may record it (the delegate of the responsible org).
    "planning:measurement_correct": space_row(ids(plan="plan", indicator="indicator", measurement="measurement"),
                                              public=grid(COMMITTEE, anonymous=302),
                                              private=grid(COMMITTEE, anonymous=302)),
    "planning:measurement_delete": space_row(ids(plan="plan", indicator="indicator", measurement="measurement"),
                                             public=grid(COMMITTEE, anonymous=302),
                                             private=grid(COMMITTEE, anonymous=302)),
}


# The same routes, on objects in another state (not part of the URL check: ROUTES covers each URL).
STATES: dict[str, Row] = {
    # The discussion of a meeting and of an activity (the proposal's is in ROUTES).
    "discussions:thread@meeting": Row(with_kind("meeting", object_id="convened_meeting"), public=SEE_PUBLIC,
                                      private=SEE_PRIVATE),
    "discussions:thread@activity": Row(with_kind("activity", object_id="activity"), public=SEE_PUBLIC,
                                       private=SEE_PRIVATE),
    # The discussion of a document (who sees the document) and of a practice sheet: published ones only
    # (the committee's sheet is a draft: its discussion answers like a missing one, even to its author).
    "discussions:thread@document": Row(with_kind("document", object_id="document"), public=SEE_PUBLIC,
                                       private=SEE_PRIVATE),
    "discussions:thread@practice_sheet": Row(with_kind("practice_sheet", object_id="practice_sheet"),
                                             public=EVERYONE, private=grid((), anonymous=HIDDEN),
                                             other=grid(("foreigner", "admin"), anonymous=HIDDEN)),
    # A draft proposal: its author (the member who wrote it) and those who run the space.
    "decisions:proposal@draft": space_row(ids(pk="draft_proposal"), public=grid(("citizen", *RUNNERS)),
                                          private=SEE_PRIVATE),
    # A meeting in preparation: those who run the space.
    "meetings:meeting@draft": space_row(ids(pk="draft_meeting"), public=grid(RUNNERS), private=grid(RUNNERS, anonymous=HIDDEN)),
    # Minutes not circulated yet (none at all, for the meeting in progress): those who run the meeting.
    "meetings:minutes_pdf@draft": space_row(ids(pk="live_meeting"), public=grid(RUNNERS), private=grid(RUNNERS, anonymous=HIDDEN)),
    # A plan in preparation is shown like an adopted one (drafts of proposals and meetings are not).
    "planning:plan@draft": space_row(ids(plan="draft_plan"), public=SEE_PUBLIC, private=SEE_PRIVATE),
}
ROWS = {**ROUTES, **STATES}


def route_of(name: str) -> str:
    return name.split("@")[0]


# The URL configuration --------------------------------------------------------------------------

def _excluded(route: str, callback) -> bool:
    """Patterns the matrix leaves out, on purpose:"""
    module = getattr(callback, "__module__", "") or ""
    return (
        route.startswith("admin/")  # Django's admin: its own staff-only permission system
        or (route.startswith("compte/") and module.startswith("allauth."))  # allauth's sign-in screens
        or route.startswith("static/")  # static files (WhiteNoise); uploads go through views, never media/
        or route.startswith("api/")  # the API: listed in API_ROUTES, its grid is tests/api/test_api.py
    )


def url_patterns() -> dict[str, tuple[str, set[str]]]:
    """Every named pattern of the project: name → (route, names of its URL parameters)."""
    found: dict[str, tuple[str, set[str]]] = {}

    def walk(patterns, prefix="", namespace="", params=frozenset()):
        for pattern in patterns:
            here = params | set(getattr(pattern.pattern, "converters", {}) or {}) | set(
                re.findall(r"\(\?P<(\w+)>", str(pattern.pattern)))
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner, here)
            elif isinstance(pattern, URLPattern) and not _excluded(route, pattern.callback):
                name = f"{namespace}{pattern.name}" if pattern.name else f"<unnamed: {route}>"
                found[name] = (route, set(here))

    walk(get_resolver().url_patterns)
    return found


PATTERNS = url_patterns()


# The API (/api/): JSON, a bearer token instead of a session, and 404 for whatever is out of reach;
# tests/api/test_api.py holds its grid (every endpoint answers exactly like the page that shows the
# same object, for each kind of user; no list shows a mark it may not) and its writes (refused
# without a read-write token, or without the permission, leaving the data unchanged).
API_ROUTES = {
    "api-v1:api-root": "ninja's root (no view)", "api-v1:openapi-json": "everyone",
    "api-v1:openapi-view": "everyone (the documentation page)", "api_unknown": "everyone: a 404 in JSON",
    **{f"api-v1:{name}": "like the page of the same object" for name in (
        "territories", "territory", "spaces", "space", "organizations", "memberships", "roles", "meetings",
        "meeting", "follow_ups", "proposals", "proposal", "decisions", "plans", "plan", "plan_items", "indicators",
        "indicator", "measurement_list", "documents", "document")},
    **{f"api-v1:{name}": "a read-write token, and the page's permission" for name in (
        "rsvp", "follow_up_add", "follow_up_status", "ballot", "measurement_add")},
}


def test_every_api_url_is_listed():
    found = set()

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif route.startswith("api/"):
                found.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    assert found == set(API_ROUTES)


def test_every_url_has_an_entry():
    """A new URL must say here who may reach it; an entry for a URL that is gone must go."""
    missing = sorted(set(PATTERNS) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(PATTERNS))
    assert not missing, f"URLs without an entry in the permission matrix: {missing}"
    assert not stale, f"Entries of the permission matrix without a URL: {stale}"


# Building addresses ------------------------------------------------------------------------------

def objects_for(w, variant: str):
    return {"public": w.public, "private": w.private, "other": w.other, "everywhere": w,
            "missing": w.missing, "missing_in_group": w.missing_in_group, "missing_in_public": w.missing_in_public,
            "crossed": w.crossed, "crossed_territory": w.crossed_territory}[variant]


def url_for(w, name: str, variant: str) -> str:
    row, route = ROWS[name], route_of(name)
    o = objects_for(w, variant)
    params = PATTERNS[route][1] if route in PATTERNS else set()
    kwargs = dict(row.kwargs(o)) if row.kwargs else {}
    if "territory" in params:
        kwargs["territory"] = o.territory.slug
    if "space" in params:
        kwargs["space"] = o.space.slug
    return reverse(route, kwargs=kwargs)


@dataclass(frozen=True)
class Answer:
    url: str
    status: int
    location: str
    body: str


# GET answers, kept for the module: the same cell is asked by several tests (a GET changes nothing
# but the audit log's line for a refusal, and each test's changes are rolled back anyway).
ANSWERS: dict[tuple[str, str, bool], Answer] = {}


def get(client_as, w, name: str, variant: str, kind: str) -> Answer:
    url, htmx = url_for(w, name, variant), ROWS[name].htmx
    if (url, kind, htmx) not in ANSWERS:
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client_as(kind).get(url, **headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        ANSWERS[(url, kind, htmx)] = Answer(url, response.status_code, response.get("Location", ""),
                                            body.decode("utf-8", "replace"))
    return ANSWERS[(url, kind, htmx)]


@pytest.fixture(autouse=True, scope="module")
def _pdf_as_html():
    """A PDF's HTML is rendered, not the PDF itself (WeasyPrint takes 0.1–0.2 s a page): who gets
    the file and what it holds is what matters here; the apps' own tests read the PDFs."""
    from django.template.loader import render_to_string

    from concertation.core import pdf as core_pdf
    from concertation.meetings import pdf

    def html(template, context, request=None):
        return render_to_string(template, context, request=request).encode()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "render_pdf", html)
        patch.setattr(core_pdf, "render_pdf", html)
        yield


TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]*')


def comparable(answer: Answer) -> tuple:
    """Status, redirect target and body, the address itself and per-request tokens set aside."""

    def scrub(text: str) -> str:
        for form in (answer.url, quote(answer.url, safe="/"), quote(answer.url, safe="")):
            text = text.replace(form, "<url>")
        return TOKEN.sub(r"\1…", text)

    return answer.status, scrub(answer.location), scrub(answer.body)


# GET: every cell ----------------------------------------------------------------------------------

# In the other territory, those who hold something in the first one (observer, delegate, citizen,
# facilitator) are in the position of its coordinator there: nothing. The coordinator stands for them.
KINDS_ELSEWHERE = ("anonymous", "outsider", "foreigner", "coordinator", "admin")


def _cells():
    for name in sorted(ROWS):
        row = ROWS[name]
        for variant, answers in row.expected().items():
            for kind in KINDS_ELSEWHERE if variant == "other" else KINDS:
                marks = []
                if ("get", variant, kind) in row.bugs:
                    marks = [pytest.mark.xfail(strict=True, reason=row.bugs[("get", variant, kind)])]
                yield pytest.param(name, variant, kind, answers[kind], marks=marks, id=f"{name}|{variant}|{kind}")


@pytest.mark.parametrize("name,variant,kind,expected", list(_cells()))
def test_get(matrix_world, client_as, name, variant, kind, expected):
    answer = get(client_as, matrix_world, name, variant, kind)
    assert answer.status == expected, f"GET {answer.url} as {kind}"
    if expected == 302 and kind == "anonymous" and ROWS[name].expected()[variant]["outsider"] != 302:
        assert answer.location.startswith(reverse("account_login")), "anonymous visitors go to sign in"
    if isinstance(expected, HiddenSignIn) and kind == "anonymous":
        # … and come back to the address they opened once signed in.
        assert answer.location == f"{reverse('account_login')}?next={quote(answer.url, safe='/')}"
    if answer.status == 200 and not ROWS[name].credential:
        # Nothing on the page that this person may not see: the committee's objects, the other
        # territory's, the drafts of the public assembly.
        for mark, seen_by in SECRETS.items():
            assert kind in seen_by or mark not in answer.body, f"GET {answer.url} as {kind} shows « {mark} »"


@pytest.mark.parametrize("name,variant,kind,mark", [
    ("decisions:proposal", "private", "delegate", PRIVATE_MARK),
    ("spaces:territory", "public", "coordinator", PRIVATE_MARK),
    ("spaces:territories", "everywhere", "foreigner", OTHER_MARK),
    ("meetings:meeting", "other", "admin", OTHER_MARK),
    ("documents:download", "private", "delegate", PRIVATE_MARK),  # the file's own bytes
    ("territory_documents:library", "public", "delegate", PRIVATE_MARK),
    ("decisions:proposals", "public", "citizen", f"{DRAFT_PROPOSAL_MARK} public"),
    ("meetings:list", "public", "coordinator", f"{DRAFT_MEETING_MARK} public"),
    ("practices:list", "public", "delegate", PRIVATE_MARK),  # the committee member's own draft
    ("meetings:notice_pdf", "public", "observer", MEMBERS_ONLY_MARK),  # the agenda's members-only document
    ("decisions:proposal", "public", "citizen", MEMBERS_ONLY_MARK),
])
def test_the_marks_show_where_they_may(matrix_world, client_as, name, variant, kind, mark):
    """The leak check of test_get is not empty: those who may see the objects do see their marks."""
    assert mark in get(client_as, matrix_world, name, variant, kind).body


@pytest.mark.parametrize("kind", KINDS)
def test_no_media_address_serves_a_file(matrix_world, client_as, kind, settings):
    """Uploads have no address of their own: the stored name under /media/ answers 404 to everyone,
    even to those who may download the file through its view."""
    for o in (matrix_world.public, matrix_world.private):
        response = client_as(kind).get(f"{settings.MEDIA_URL}{o.document.versions.get().file.name}")
        assert response.status_code == 404
        assert o.document.title.encode() not in response.content


# Out of reach = missing ----------------------------------------------------------------------------

def _reach_cells():
    for name in sorted(ROWS):
        row = ROWS[name]
        columns = row.expected()
        for variant in ("private", "other"):
            if variant not in columns:
                continue
            for kind in ("anonymous", "outsider"):
                if columns[variant][kind] == 200:
                    continue  # a credential in the address (invitation, answer link): reachable by design
                yield pytest.param(name, variant, kind, id=f"{name}|{variant}|{kind}")


@pytest.mark.parametrize("name,variant,kind", list(_reach_cells()))
def test_out_of_reach_looks_missing(matrix_world, client_as, name, variant, kind):
    w = matrix_world
    assert comparable(get(client_as, w, name, variant, kind)) == comparable(get(client_as, w, name, "missing", kind))


def _crossed_cells():
    for name in sorted(ROUTES):
        params = PATTERNS.get(name, ("", set()))[1]
        row = ROWS[name]
        if row.kwargs is None or row.everywhere is not None or "territory" not in params:
            continue  # nothing guessable, or no space nor territory in the address
        if not row.guessable:
            continue
        # Who runs the space named in the address: the coordinator (the public assembly), the
        # facilitator (the working group).
        cells = [("crossed_territory", "missing_in_public", "coordinator")]
        if "space" in params:
            cells.append(("crossed", "missing_in_group", "facilitator"))
        for variant, missing, kind in cells:
            yield pytest.param(name, variant, missing, kind, id=f"{name}|{variant}|{kind}")


@pytest.mark.parametrize("name,variant,missing,kind", list(_crossed_cells()))
def test_ids_across_spaces_look_missing(matrix_world, client_as, name, variant, missing, kind):
    """The committee's objects under the address of the working group, which the facilitator runs;
    the other territory's objects under the address of the public assembly, which the coordinator
    runs: never reached, answered like missing ids."""
    w = matrix_world
    assert comparable(get(client_as, w, name, variant, kind)) == comparable(get(client_as, w, name, missing, kind))


# POST: refused changes nothing; allowed changes something -------------------------------------------

@dataclass
class Post:
    """A state-changing route: the rows it writes, who may post (per kind of object; the first kind
    is the one the control posts as), and the form to post.

    The form is the one the page at ``form_page`` shows to that person (the route itself by default,
    "" for a route without a page of its own), with ``data`` on top. Those without the permission are
    answered 404 (anonymous visitors: sent to sign in when the view requires an account) — except
    those who see the object (the 200 cells of ``seen_by``), who get ``refused_seen`` when given.
    """

    models: tuple[str, ...]
    allowed: dict = field(default_factory=lambda: {"public": RUNNERS, "private": RUNNERS, "other": ("admin",)})
    data: Callable | dict = field(default_factory=dict)
    form_page: str | None = None  # None: the route's own page; "": no page (data only)
    seen_by: str | None = None
    refused_seen: int | None = None
    files: Callable | None = None
    control: bool = True  # False: a valid post changes nothing by itself (an upload's preview)


MEMBERS = {"public": ASSEMBLY, "private": COMMITTEE, "other": ("foreigner", "admin")}
LEAD_DELEGATE = {"public": COMMITTEE, "private": COMMITTEE, "other": ("admin",)}  # delegate of the responsible org
TERRITORY_RUNNERS = {"public": RUNNERS, "other": ("admin",)}
REASON = {"reason": "Changement demandé par le comité."}


def decided(o) -> dict:
    """A change of the adopted plan: its reason and the decision that authorizes it."""
    return {**REASON, "decision": o.decided_proposal.pk}


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return lambda o: {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


def _pdf_upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 nouvelle version", content_type="application/pdf")


POSTS: dict[str, Post] = {
    # --- spaces ---
    "spaces:space_add": Post(("spaces.Space",), TERRITORY_RUNNERS, {"name": "Espace forgé"}),
    # Turning a territory's public pages on (or off, where they are on).
    "public_settings:settings": Post(("directory.Territory",), TERRITORY_RUNNERS,
                                     lambda o: {"public_pages": "" if o.territory.public_pages else "on"}),
    "spaces:organization_add": Post(("directory.Organization",), TERRITORY_RUNNERS, {"name": "Organisme forgé"}),
    "spaces:organization_edit": Post(("directory.Organization",), TERRITORY_RUNNERS, {"name": "Nom forgé"}),
    # The upload only shows a preview (tests/spaces/test_import.py follows it to the end).
    "spaces:import": Post(("directory.Organization", "spaces.Membership"), TERRITORY_RUNNERS, {"step": "upload"},
                          form_page="", files=upload("membres.csv", b"nom,courriel\nForge,forge@example.org\n"),
                          control=False),
    # --- knowledge: references ---
    "references:add": Post(("knowledge.Reference",), TERRITORY_RUNNERS, {"title": "Repère forgé"}),
    "references:edit": Post(("knowledge.Reference",), TERRITORY_RUNNERS, {"title": "Titre forgé"}),
    "references:delete": Post(("knowledge.Reference",), TERRITORY_RUNNERS),
    # The world's reference is the first of two in its group: moving it down changes both positions.
    "references:move": Post(("knowledge.Reference",), TERRITORY_RUNNERS, {"direction": "down"}, form_page=""),
    "portrait:figure_add": Post(("knowledge.Figure",), TERRITORY_RUNNERS,
                                {"theme": "Forgé", "label": "Chiffre forgé", "value": "1", "year": "2021"}),
    "portrait:figure_edit": Post(("knowledge.Figure",), TERRITORY_RUNNERS, {"value": "99"}),
    "portrait:figure_delete": Post(("knowledge.Figure",), TERRITORY_RUNNERS, form_page=""),
    # The upload only shows a preview (tests/knowledge/test_portrait_import.py follows it to the end).
    "portrait:import": Post(("knowledge.Figure",), TERRITORY_RUNNERS, {"step": "upload"}, form_page="",
                            files=upload("portrait.csv", b"theme,libelle,valeur,annee\nForge,Forge,1,2021\n"),
                            control=False),
    "spaces:space_edit": Post(("spaces.Space",), data={"name": "Nom forgé"}),
    # The person added is one of the territory's (the facilitator sits in the working group only):
    # nobody else can be picked (tests/spaces/test_people_directory.py).
    "spaces:member_add": Post(("spaces.Membership", "spaces.Delegation"),
                              data=lambda o: {"person": o.world.facilitator.pk, "organization": ""}),
    "spaces:member_edit": Post(("spaces.Membership", "spaces.Delegation"), data={"note": "Note forgée"}),
    "spaces:member_end": Post(("spaces.Membership",), data=lambda o: {"end": timezone.localdate().isoformat()},
                              form_page=""),
    "spaces:role_add": Post(("spaces.Role",), data={"name": "Rôle forgé"}),
    "spaces:role_edit": Post(("spaces.Role",), data={"name": "Rôle renommé"}),
    "spaces:role_assign": Post(("spaces.RoleAssignment",), data=lambda o: {"person": o.world.facilitator.pk}),
    "spaces:assignment_end": Post(("spaces.RoleAssignment",), data={"reason": "resigned"}),
    "spaces:charter_edit": Post(("spaces.Charter",), data={"rules_text": "Règles forgées.", "voting_categories": "voting"}),
    "spaces:invitations": Post(("spaces.Invitation",), data={"email": "forge@example.org"}),
    "spaces:announcements": Post(("spaces.Announcement",),
                                 data={"annonce-title": "Annonce forgée", "annonce-body": "Texte forgé."}),
    "spaces:invitation_resend": Post(("spaces.Invitation",), form_page=""),
    "spaces:invitation_revoke": Post(("spaces.Invitation",), form_page=""),

    # --- decisions ---
    "decisions:proposal_add": Post(("decisions.Proposal",), MEMBERS, {"title": "Proposition forgée"}),
    # Only the delegate votes for the organization (the foreigner votes in their own name over
    # there); whoever else sees the proposal is told they cannot.
    "decisions:vote": Post(("decisions.Ballot", "decisions.Participation"),
                           {"public": ("delegate",), "private": ("delegate",), "other": ("foreigner",)},
                           lambda o: {"voter": o.voter_key, f"v-{o.voter_key.replace(':', '-')}-choice": "stand_aside"},
                           form_page="", seen_by="decisions:proposal", refused_seen=302),
    # A draft is opened by its author (the space's member) or those who run the space.
    "decisions:proposal_open": Post(("decisions.Proposal",), {"public": ("citizen", *RUNNERS),
                                                              "private": ("delegate", *RUNNERS),
                                                              "other": ("foreigner", "admin")}, form_page=""),
    "decisions:proposal_close": Post(("decisions.Proposal",), form_page=""),
    "decisions:proposal_amend": Post(("decisions.Proposal", "decisions.ProposalVersion"), data=REASON),
    "decisions:proposal_decide": Post(("decisions.Proposal",), data={"outcome": "Décision forgée."}),
    "decisions:proposal_withdraw": Post(("decisions.Proposal",), form_page=""),
    # --- knowledge: discussions (the comments of the public assembly's open proposal…) ---
    "discussions:thread": Post(("knowledge.Comment",), MEMBERS, {"body": "Commentaire forgé."}, form_page=""),
    # A comment is edited by its author only (the space's member who wrote it).
    "discussions:edit": Post(("knowledge.Comment", "knowledge.CommentRevision"),
                             {"public": ("citizen",), "private": ("delegate",), "other": ("foreigner",)},
                             {"body": "Texte forgé."}),
    "discussions:hide": Post(("knowledge.Comment",), data={"reason": "Raison forgée."}),
    "discussions:unhide": Post(("knowledge.Comment",), form_page=""),
    # A conflict of interest: one's own (the delegate for their organization), or anyone's for those
    # who run the space; whoever else sees the proposal is told they cannot.
    "decisions:recusal": Post(("decisions.Recusal",), {"public": ("delegate", *RUNNERS),
                                                       "private": ("delegate", *RUNNERS), "other": ("foreigner", "admin")},
                              lambda o: {"voter": o.voter_key, "reason": "Conflit forgé."}, form_page="",
                              seen_by="decisions:proposal", refused_seen=302),

    # --- meetings: preparing ---
    "meetings:add": Post(("meetings.Meeting", "meetings.AgendaItem"),
                         data=lambda o: {"title": "Rencontre forgée", "date": (timezone.localdate()
                                                                                + timedelta(days=30)).isoformat(),
                                         "start_time": "18:00", "end_time": "20:00"}),
    "meetings:edit": Post(("meetings.Meeting",), data={"title": "Titre forgé"}),
    "meetings:item_add": Post(("meetings.AgendaItem",), data={"title": "Point forgé"}),
    "meetings:item_propose": Post(("meetings.AgendaItem",), {"public": ("delegate", "citizen", *RUNNERS),
                                                             "private": COMMITTEE, "other": ("foreigner", "admin")},
                                  {"title": "Point proposé forgé"}),
    "meetings:item_edit": Post(("meetings.AgendaItem",), data={"title": "Point renommé"}),
    "meetings:item_move": Post(("meetings.AgendaItem",), data={"direction": "up"}, form_page=""),
    "meetings:item_delete": Post(("meetings.AgendaItem",), form_page=""),
    "meetings:item_accept": Post(("meetings.AgendaItem",), form_page=""),
    "meetings:item_decline": Post(("meetings.AgendaItem",), form_page=""),
    "meetings:convene": Post(("meetings.Meeting", "meetings.Rsvp"), form_page=""),
    "meetings:cancel": Post(("meetings.Meeting",), data={"reason": "Annulation forgée"}, form_page=""),
    # The meeting page takes one's own answer (RSVP) from those who take part.
    "meetings:meeting": Post(("meetings.Rsvp",), MEMBERS, {"answer": "yes"}, form_page=""),

    # --- meetings: during the meeting ---
    # The convened meeting is next month: opening it that early takes the confirmation.
    "meetings:open": Post(("meetings.Meeting",), data={"confirm_early": "1"}, form_page=""),
    "meetings:attendance": Post(("meetings.Attendance",), data=lambda o: {"person": o.member.pk, "status": "late"},
                                form_page=""),
    # The member answered yes to the convened meeting's notice (conftest.py) and is not noted yet.
    "meetings:attendance_yes": Post(("meetings.Attendance",), form_page=""),
    # The held meeting's follow-up, reviewed at the meeting in progress.
    "meetings:follow_up_review": Post(("meetings.FollowUpReview",), data={"outcome": "carried"}, form_page=""),
    "meetings:item_notes": Post(("meetings.AgendaItem",), data={"notes-notes": "Notes forgées.", "notes-dissent": ""},
                                form_page=""),
    "meetings:conflict": Post(("meetings.ConflictDeclaration",),
                              data=lambda o: {"conflit-who": f"u:{o.member.pk}", "conflit-reason": "Forgé"},
                              form_page=""),
    "meetings:decision": Post(("decisions.Proposal", "meetings.AgendaItem"),
                              data={"action": "hands", "mains-yes": "1", "mains-no": "0", "mains-abstain": "0",
                                    "mains-outcome": "Décision forgée.", "mains-dissent": ""}, form_page=""),
    "meetings:open_vote": Post(("decisions.Proposal", "meetings.AgendaItem"), form_page=""),
    "meetings:follow_up_add": Post(("meetings.FollowUp",),
                                   data=lambda o: {"suivi-what": "Suivi forgé", "suivi-person": o.member.pk},
                                   form_page=""),
    "meetings:close": Post(("meetings.Meeting",), form_page=""),

    # --- meetings: after the meeting ---
    "meetings:minutes": Post(("meetings.Minutes",), data={"body": "Procès-verbal forgé."}, form_page=""),
    "meetings:minutes_generate": Post(("meetings.Minutes",), form_page=""),
    "meetings:minutes_circulate": Post(("meetings.Minutes",), form_page=""),
    "meetings:minutes_comment": Post(("meetings.MinutesComment",), MEMBERS, {"body": "Commentaire forgé."},
                                     form_page=""),
    "meetings:minutes_adopt": Post(("meetings.Minutes", "meetings.Meeting"),
                                   data=lambda o: {"at_meeting": o.convened_meeting.pk}, form_page=""),
    "meetings:follow_up_edit": Post(("meetings.FollowUp",), {"public": ("citizen", *RUNNERS), "private": COMMITTEE,
                                                            "other": ("foreigner", "admin")}, {"status": "done"}),
    # Those present who have not answered yet (the runner, here); everyone else who sees the
    # meeting is told why not (400).
    "meetings:evaluate": Post(("meetings.Evaluation", "meetings.EvaluationReceipt"),
                              {"public": ("coordinator",), "private": ("coordinator",), "other": ("admin",)},
                              {"objectives_met": "4", "everyone_could_speak": "3", "useful_to_my_organization": "5"},
                              form_page="", seen_by="meetings:evaluate", refused_seen=400),

    # --- insights: the self-assessment ---
    "assessments:open": Post(("insights.AssessmentRound",), data={
        "title": "Autoévaluation forgée", "opens_on": "2036-01-01", "closes_on": "2036-01-20"}),
    # Who takes part answers (once); those who only run the space see the form and are told why not (400).
    "assessments:answer": Post(("insights.AssessmentAnswer", "insights.AssessmentReceipt"),
                               {"public": ("citizen", "observer", "delegate"), "private": ("delegate",),
                                "other": ("foreigner",)},
                               {name: "4" for name in SCORE_FIELDS}, form_page="", seen_by="assessments:answer",
                               refused_seen=400),
    "assessments:follow_up": Post(("meetings.FollowUp",), data=lambda o: {"what": "Suivi forgé",
                                                                          "person": o.member.pk}),

    # --- knowledge: the document library ---
    "documents:add": Post(("knowledge.Document",), MEMBERS, {
        "title": "Document forgé", "url": "https://exemple.org/forge", "kind": "other", "visibility": "space"}),
    "documents:edit": Post(("knowledge.Document",), data={"title": "Titre forgé"}),
    "documents:version_add": Post(("knowledge.DocumentVersion",), form_page="",
                                  files=lambda o: {"file": _pdf_upload("v2.pdf")}),
    "documents:delete": Post(("knowledge.Document",), form_page=""),
    # Joining a new document (it lands in the library) to a proposal, to an action of the plan.
    "decisions:proposal_documents": Post(("knowledge.Document",), MEMBERS, {
        "action": "new", "title": "Annexe forgée", "url": "https://exemple.org/annexe"}, form_page=""),
    "planning:activity_documents": Post(("knowledge.Document",), LEAD_DELEGATE, {
        "action": "new", "title": "Annexe forgée", "url": "https://exemple.org/annexe"}, form_page=""),

    # --- planning ---
    "planning:plan_add": Post(("planning.Plan",), data={"title": "Plan forgé", "starts_on": "2036-01-01",
                                                        "ends_on": "2040-12-31"}),
    "planning:plan_edit": Post(("planning.Plan",), data=lambda o: {"title": "Plan renommé", **decided(o)}),
    "planning:plan_adopt": Post(("planning.Plan",), data=lambda o: {"decision": o.decided_proposal.pk}),
    "planning:plan_archive": Post(("planning.Plan",)),
    # News of an action: those who run the space, and the delegate of its lead organization.
    # --- knowledge: practice sheets (written by who sits in the territory; changed by the author, the
    # public sheet's citizen, and the territory's coordinators) ---
    "practices:add": Post(("knowledge.PracticeSheet",), {"public": TERRITORY, "other": ("foreigner", "admin")},
                          {"title": "Fiche forgée"}),
    "practices:edit": Post(("knowledge.PracticeSheet",), {"public": ("citizen", *RUNNERS), "other": ("foreigner", "admin")},
                           {"title": "Fiche renommée"}),
    "practices:delete": Post(("knowledge.PracticeSheet",), {"public": ("citizen", *RUNNERS),
                                                            "other": ("foreigner", "admin")}),
    "practices:publish": Post(("knowledge.PracticeSheet",), {"public": ("citizen", *RUNNERS),
                                                             "other": ("foreigner", "admin")},
                              {"audience": "public"}, form_page=""),
    "practices:unpublish": Post(("knowledge.PracticeSheet",), {"public": ("citizen", *RUNNERS),
                                                               "other": ("foreigner", "admin")}, form_page=""),
    "planning:progress_add": Post(("planning.ProgressUpdate",), LEAD_DELEGATE,
                                  {"text": "Avancement forgé.", "percent": "50"}),
    "planning:item_add": Post(("planning.Priority",), data=lambda o: {"title": "Priorité forgée", **decided(o)}),
    "planning:item_edit": Post(("planning.Activity",), data=lambda o: {"title": "Action renommée", **decided(o)}),
    "planning:item_move": Post(("planning.Activity",), data=lambda o: {"direction": "up", **decided(o)}),
    "planning:item_remove": Post(("planning.Activity",), data=decided),
    "planning:indicator_add": Post(("planning.Indicator",), data=lambda o: {
        "name": "Indicateur forgé", "target_value": "10", "target_date": "2030-01-01", **decided(o)}),
    "planning:indicator_edit": Post(("planning.Indicator",), data=lambda o: {"target_value": "310", **decided(o)}),
    "planning:indicator_remove": Post(("planning.Indicator",), data=decided),
    # Citing the portrait's figures is not a change of the plan: no decision asked.
    "planning:item_figures": Post(("planning.Objective_figures",), data=lambda o: {"figures": [o.figure.pk]}),
    "planning:measurement_add": Post(("planning.Measurement",), LEAD_DELEGATE,
                                     {"date": "2025-09-30", "value": "260"}),
    # On the adopted plan, a correction or a deletion also records a revision.
    "planning:measurement_correct": Post(("planning.Measurement", "planning.Revision"), LEAD_DELEGATE,
                                         {"value": "26,5", **REASON}),
    "planning:measurement_delete": Post(("planning.Measurement", "planning.Revision"), LEAD_DELEGATE, REASON),
    # The upload only shows a preview (tests/planning/test_measurement_import.py goes on).
    "planning:measurement_import": Post(("planning.Measurement",), LEAD_DELEGATE, {"step": "upload"}, form_page="",
                                        files=upload("mesures.csv", b"indicateur,date,valeur\nX,2025-01-01,1\n"),
                                        control=False),
}

# Routes that change nothing, or only what belongs to the person signed in, or whose address holds
# the credential: nothing to forge for somebody else.
NOT_FORGEABLE = {
    # GET only
    "home", "floor", "healthz", "spaces:territories", "spaces:territory", "spaces:organizations", "references:list",
    "spaces:import_template_csv", "spaces:import_template_xlsx", "spaces:audit_log",
    "portrait:index", "portrait:template_csv", "portrait:template_xlsx", "spaces:space", "spaces:members",
    "spaces:roles", "spaces:charter", "spaces:charter_version", "decisions:proposals", "decisions:proposal",
    "decisions:results", "register:territory", "register:territory_csv", "register:territory_feed", "register:space",
    "register:space_csv", "register:space_feed", "meetings:list", "meetings:space_feed", "meetings:notice_pdf",
    "meetings:meeting_ics", "meetings:live", "meetings:live_names", "meetings:quorum", "meetings:attendance_sheet",
    "meetings:minutes_pdf",
    "meetings:follow_ups", "meetings:evaluation_results", "my_meetings:personal_feed", "my:my_follow_ups",
    "home:my_spaces", "api_tokens:tokens", "api_tokens:revoke",
    "assessments:index", "assessments:round", "spaces:role_rotation",
    "practices:list", "practices:sheet", "practices:pdf",
    "planning:plans", "planning:plan", "planning:revisions", "planning:item_history", "planning:dashboard",
    "planning:dashboard_pdf", "planning:bilan", "planning:bilan_pdf", "planning:indicator",
    "planning:measurement_template_csv", "planning:measurement_template_xlsx",
    "discussions:history", "discussions:people",
    "documents:library", "documents:document", "documents:download", "territory_documents:library",
    *(f"public_window:{name}" for name in ("home", "spaces", "meetings", "decisions", "plans", "plan", "documents",
                                            "practices", "references", "og_image")),
    "opendata:popolo", "opendata:plan_csv", "opendata:indicators_csv",
    "search:search", "privacy",
    "health:space", "health:space_csv", "health:territory", "health:territory_csv",
    # the person's own settings
    "set_language", "profile", "account_erase", "my_meetings:personal_feed_settings",
    "personal_data",  # the person's own data: a POST that writes only its audit row, for herself
    "notifications:preferences", "notifications:centre",
    # only the person's own notifications (tests/notifications/test_centre.py: another's stays unread)
    "notifications:mark_read", "notifications:mark_all_read",
    # a POST that reads only: checking a vote receipt
    "decisions:receipt",
    # a credential in the address (see test_forged_tokens_change_nothing)
    "spaces:invitation_accept", "meetings:rsvp",
    "notifications:unsubscribe",  # tests/notifications/test_unsubscribe.py: forged tokens refused
}


def test_every_route_is_either_forged_or_said_not_forgeable():
    assert not set(POSTS) & NOT_FORGEABLE
    assert set(POSTS) | NOT_FORGEABLE == set(ROUTES), sorted(set(ROUTES) ^ (set(POSTS) | NOT_FORGEABLE))


def fingerprint(models) -> str:
    """Every row of these models, every column: a change anywhere changes the digest."""
    digest = hashlib.sha256()
    for label in models:
        model = apps.get_model(label)
        columns = [f.attname for f in model._meta.concrete_fields]
        digest.update(repr(list(model.objects.order_by("pk").values_list(*columns))).encode())
    return digest.hexdigest()


BASELINES: dict[tuple[str, ...], str] = {}


def baseline(models) -> str:
    """The digest before any post: every test starts from the same rows (the module's world; each
    test's changes are rolled back), so it is taken once per set of models."""
    if models not in BASELINES:
        BASELINES[models] = fingerprint(models)
    return BASELINES[models]


class FormFields(HTMLParser):
    """The forms of a page with the values it fills in: [(action, {name: [values]})] (POST forms)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.fields, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.fields = {} if (a.get("method") or "").lower() == "post" else None
            if self.fields is not None:
                self.forms.append((a.get("action") or "", self.fields))
        elif self.fields is None:
            return
        elif tag == "option":
            if self.select and "selected" in a:
                self.fields[self.select].append(a.get("value") or "")
        elif not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self.fields.setdefault(a["name"], [])
                if "checked" in a:
                    self.fields[a["name"]].append(a.get("value") or "on")
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self.fields.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select, [])
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = [""]

    def handle_data(self, data):
        if self.textarea and self.fields is not None:
            self.fields[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.fields = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea and self.fields is not None:
                self.fields[self.textarea][0] = self.fields[self.textarea][0].removeprefix("\n")
            self.textarea = None


FORMS: dict[tuple[str, str], dict] = {}


def form_data(client_as, w, name: str, variant: str) -> dict:
    """What the page shows the allowed person (its form's fields as filled in), with the row's data."""
    if (name, variant) in FORMS:
        return FORMS[(name, variant)]
    post, o = POSTS[name], objects_for(w, variant)
    url = url_for(w, name, variant)
    data: dict = {}
    allowed = post.allowed.get(variant, ())
    if post.form_page != "" and allowed:
        page = url_for(w, post.form_page or name, variant)
        response = client_as(allowed[0]).get(page)
        assert response.status_code == 200, f"the form of {name} at {page}"
        parser = FormFields()
        parser.feed(response.content.decode())
        chosen = [fields for action, fields in parser.forms if action.split("#")[0] in ("", url)]
        assert chosen, f"no form posting to {url} on {page}"
        data = {key: values for key, values in chosen[0].items() if key != "csrfmiddlewaretoken"}
    extra = post.data(o) if callable(post.data) else post.data
    data.update({key: value if isinstance(value, list) else [value] for key, value in extra.items()})
    FORMS[(name, variant)] = data
    return data


def post_as(client_as, w, name: str, variant: str, kind: str):
    post = POSTS[name]
    data = dict(form_data(client_as, w, name, variant))
    if post.files:
        data.update(post.files(objects_for(w, variant)))
    return client_as(kind).post(url_for(w, name, variant), data)


def refusal(name: str, variant: str, kind: str) -> int:
    """The answer to a kind of user without the permission."""
    post, get_answers = POSTS[name], ROUTES[name].expected()[variant]
    if kind == "anonymous" and isinstance(get_answers["anonymous"], HiddenSignIn):
        return 404  # the sign-in page answers reading a hidden space, not posting to it
    if kind == "anonymous" and get_answers["anonymous"] == 302:
        return 302
    if post.seen_by and ROUTES[post.seen_by].expected()[variant][kind] in (200, 302):
        return post.refused_seen
    return 404


def forgers(variant: str) -> list[str]:
    """Who forges a post: everyone who sees the space, the anonymous visitor, the outsider (for all
    who see nothing there: the GET matrix shows they are stopped at the door) and, in the other
    territory, the first one's coordinator."""
    sees = {kind for kind, status in ROUTES["spaces:space"].expected()[variant].items() if status == 200}
    others = {"anonymous", "outsider"} | ({"coordinator"} if variant == "other" else set())
    return [kind for kind in KINDS if kind in sees | others]


def _refused_cells():
    for name in sorted(POSTS):
        post, row = POSTS[name], ROUTES[name]
        for variant in row.expected():
            allowed = post.allowed.get(variant, ())
            for kind in forgers(variant):
                if kind in allowed:
                    continue
                marks = []
                if ("post", variant, kind) in row.bugs:
                    marks = [pytest.mark.xfail(strict=True, reason=row.bugs[("post", variant, kind)])]
                yield pytest.param(name, variant, kind, marks=marks, id=f"{name}|{variant}|{kind}")


@pytest.mark.parametrize("name,variant,kind", list(_refused_cells()))
def test_refused_post_changes_nothing(matrix_world, client_as, name, variant, kind):
    """A forged post: refused (404, the sign-in page for anonymous visitors, or the reason for those
    who see the object but may not act), and not one row of what the route writes changes."""
    w, post = matrix_world, POSTS[name]
    before = baseline(post.models)
    response = post_as(client_as, w, name, variant, kind)
    expected = refusal(name, variant, kind)
    assert response.status_code == expected, f"POST {url_for(w, name, variant)} as {kind}"
    if expected == 302 and kind == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert fingerprint(post.models) == before, f"POST {url_for(w, name, variant)} as {kind} changed {post.models}"


def _control_cells():
    for name in sorted(POSTS):
        post = POSTS[name]
        if not post.control:
            continue
        for variant in ROUTES[name].expected():
            allowed = post.allowed.get(variant, ())
            if allowed and variant != "other":
                yield pytest.param(name, variant, allowed[0], id=f"{name}|{variant}|{allowed[0]}")


@pytest.mark.parametrize("name,variant,kind", list(_control_cells()))
def test_allowed_post_changes_something(matrix_world, client_as, name, variant, kind):
    """The control: the same form, posted by someone allowed, does change the rows."""
    w, post = matrix_world, POSTS[name]
    before = baseline(post.models)
    response = post_as(client_as, w, name, variant, kind)
    assert response.status_code < 400, f"POST {url_for(w, name, variant)} as {kind}: {response.status_code}"
    assert fingerprint(post.models) != before, f"POST {url_for(w, name, variant)} as {kind} changed nothing"


# Credentials in the address ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["anonymous", "outsider"])
@pytest.mark.parametrize("name,models", [
    ("spaces:invitation_accept", ("spaces.Invitation", "spaces.Membership", "spaces.Delegation")),
    ("meetings:rsvp", ("meetings.Rsvp",)),
])
def test_forged_tokens_change_nothing(matrix_world, client_as, name, models, kind):
    w = matrix_world
    before = fingerprint(models)
    response = client_as(kind).post(url_for(w, name, "missing"), {"answer": "yes"})
    assert response.status_code == 404
    assert fingerprint(models) == before
