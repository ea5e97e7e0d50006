"""Casting a ballot: who may vote for whom, what a valid ballot is, and one ballot per voter.

``ballot_cast`` refuses with a DomainError (a translated message that says what is wrong and how
to fix it) anything the rules forbid, then stores the ballot with one upsert on the unique
constraint (proposal, round, voter key): a second ballot from the same voter — the same person,
or the delegate then the alternate of one organization — replaces the first, even when both
arrive at the same instant. The database constraint is what guarantees it, not a Python check.

Concurrency, and the race with closing:
- SQLite: transactions are IMMEDIATE (settings), so the write lock is taken at BEGIN and ballot
  transactions run one after the other; the proposal re-read inside the transaction is current.
- PostgreSQL: INSERT … ON CONFLICT DO UPDATE never fails on a concurrent duplicate (the second
  waits for the first, then updates). The proposal row is locked FOR NO KEY UPDATE inside the
  transaction, then re-read: proposal_close, proposal_amend and proposal_withdraw (which lock it
  FOR UPDATE) wait for the ballot under way, and a ballot arriving after them sees the new state
  and is refused. So a ballot is either counted by the tally or refused. Ballot transactions of
  one proposal queue on that lock (a few milliseconds each); a shared lock (FOR SHARE) would let
  them overlap, but a steady stream of ballots could then hold off the closing indefinitely
  (PostgreSQL grants a shared row lock without queueing behind a waiting FOR UPDATE).
"""

from __future__ import annotations

from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from concertation.core import formatting
from concertation.core.errors import DomainError
from concertation.core.written_sql import convert, converters_of, plan
from concertation.spaces.models import PERSON_CATEGORY_LABELS, Membership, MembershipCategory
from concertation.spaces.selectors import current_q

from . import methods
from .counting import tally_rules
from .eligibility import Voter, categories, eligible_voters, recused_keys, voters_for_user
from .models import Ballot, Participation, Proposal

#: the rule keywords that change whether a ballot is valid (the others only change the count)
VALIDATION_RULES = ("seats", "dots", "min_choices", "max_choices")
#: the longest reason (or piece of advice) kept with a ballot
MAX_REASON = 5000


# -- who votes ---------------------------------------------------------------------------------

def _when(moment: datetime) -> str:
    return formatting.moment(moment)


def check_accepting(proposal: Proposal, now: datetime) -> None:
    """Refuse unless the proposal takes ballots at ``now``."""
    if proposal.accepting_ballots(now):
        return
    status = proposal.status
    if status == Proposal.Status.DRAFT:
        raise DomainError(_("Cette proposition est encore un brouillon : le vote n'est pas ouvert. "
                            "Vous pourrez voter quand le vote sera ouvert."), code="not_open")
    if status == Proposal.Status.WITHDRAWN:
        raise DomainError(_("Cette proposition a été retirée : il n'est plus possible de voter."),
                          code="withdrawn")
    if status == Proposal.Status.OPEN and proposal.opens_at and now < proposal.opens_at:
        raise DomainError(
            _("Le vote n'est pas encore ouvert : il ouvre le %(date)s. Revenez à ce moment pour voter.")
            % {"date": _when(proposal.opens_at)},
            code="before_opening",
        )
    closed_at = proposal.closed_at or proposal.closes_at
    if closed_at:
        raise DomainError(
            _("Le vote est fermé depuis le %(date)s : il n'est plus possible de voter ni de changer de vote.")
            % {"date": _when(closed_at)},
            code="after_closing",
        )
    raise DomainError(_("Le vote est fermé : il n'est plus possible de voter ni de changer de vote."),
                      code="after_closing")


def _why_not_eligible(proposal: Proposal, person) -> DomainError:
    """The precise reason why ``person`` has no vote here (one or two queries, refusals only)."""
    memberships = Membership.objects.filter(current_q(), space_id=proposal.space_id).filter(
        Q(person=person)
        | Q(pk__in=Membership.objects.filter(current_q("delegations__"), delegations__person=person).values("pk"))
    )
    held = sorted(set(memberships.values_list("category", flat=True)))
    if held:
        allowed = categories(proposal)
        return DomainError(
            _("Vous participez à cet espace comme %(category)s, ce qui ne donne pas le droit de vote "
              "sur cette proposition : seules votent les catégories %(allowed)s. Si votre catégorie "
              "n'est plus la bonne, adressez-vous aux personnes qui coordonnent l'espace.")
            % {
                "category": ", ".join(str(PERSON_CATEGORY_LABELS[c]) for c in held
                                      if c in MembershipCategory.values),
                "allowed": ", ".join(f"« {MembershipCategory(c).label} »" for c in allowed
                                     if c in MembershipCategory.values),
            },
            code="category_not_allowed",
        )
    return DomainError(
        _("Vous ne faites pas partie des membres votants de cet espace, ni comme personne déléguée ou substitut "
          "d'un organisme membre votant : vous ne pouvez pas voter sur cette proposition. Si vous devriez le "
          "pouvoir, adressez-vous aux personnes qui coordonnent l'espace."),
        code="not_eligible",
    )


def voter_for(proposal: Proposal, person, organization=None, *,
              voters: dict[str, Voter] | None = None) -> Voter:
    """The voter ``person`` casts for: themself, or the organization they represent.

    ``organization`` chooses when the person may cast for several voters (as a citizen and as a
    delegate, or for two organizations); it only matters when the voting unit is the
    organization (otherwise delegates vote in their own name). ``voters`` may pass
    ``eligible_voters(proposal, include_recused=True, for_person=person)`` (or every voter) already
    computed.
    """
    if person is None or not getattr(person, "is_authenticated", False):
        raise DomainError(_("Connectez-vous pour voter."), code="anonymous")
    if voters is None:
        voters = eligible_voters(proposal, include_recused=True, for_person=person)
    recused = recused_keys(proposal)
    reachable = voters_for_user(proposal, person, voters)
    mine = [voter for voter in reachable if voter.key not in recused]

    if organization is not None and proposal.voting_unit == "organization":
        key = f"o:{organization.pk}"
        chosen = next((voter for voter in mine if voter.key == key), None)
        if chosen is not None:
            return chosen
        if key in recused and any(voter.key == key for voter in reachable):
            raise DomainError(
                _("« %(organization)s » s'est retiré de ce vote pour conflit d'intérêts : personne ne "
                  "peut voter en son nom sur cette proposition.") % {"organization": organization},
                field="organization", code="recused",
            )
        if key in voters or eligible_voters(proposal, include_recused=True, for_organization=organization):
            raise DomainError(
                _("Seules sa personne déléguée et sa ou son substitut peuvent voter au nom de "
                  "« %(organization)s ». Si vous représentez maintenant cet organisme, demandez aux personnes qui "
                  "coordonnent l'espace de mettre la délégation à jour.") % {"organization": organization},
                field="organization", code="not_delegate",
            )
        raise DomainError(
            _("« %(organization)s » ne vote pas sur cette proposition : ce n'est pas un organisme membre "
              "votant de cet espace.") % {"organization": organization},
            field="organization", code="organization_not_eligible",
        )

    if not mine:
        if reachable:
            raise DomainError(
                _("Un conflit d'intérêts a été déclaré pour vous (ou pour l'organisme que vous représentez) "
                  "sur cette proposition : vous ne votez pas. Si c'est une erreur, adressez-vous aux "
                  "personnes qui animent l'espace."),
                code="recused",
            )
        raise _why_not_eligible(proposal, person)
    own = next((voter for voter in mine if voter.key == f"u:{person.pk}"), None)
    if own is not None:
        return own
    if len(mine) == 1:
        return mine[0]
    raise DomainError(
        _("Vous représentez plusieurs organismes : choisissez au nom duquel vous votez (%(names)s).")
        % {"names": ", ".join(f"« {voter.label} »" for voter in sorted(mine, key=lambda v: v.label))},
        field="organization", code="choose_organization",
    )


# -- what a valid ballot is --------------------------------------------------------------------

def _option_keys(value, method: methods.Method):
    """Option ids given as numbers become the string keys ballots use (str(option.id))."""
    if not method.needs_options:
        return value

    def key(item):
        return str(item) if isinstance(item, int) and not isinstance(item, bool) else item

    if isinstance(value, dict):
        return {key(option): item for option, item in value.items()}
    if isinstance(value, list | tuple):
        return [key(option) for option in value]
    if isinstance(value, set | frozenset):
        return {key(option) for option in value}
    return value


def _to_json(value, options: list[str] | None):
    if isinstance(value, set | frozenset):
        order = {option: n for n, option in enumerate(options or [])}
        return sorted(value, key=lambda option: (order.get(option, len(order)), str(option)))
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    return value


def _ballot_message(error: methods.BallotError, method: methods.Method, rules: dict, value) -> DomainError:
    code = error.code
    field = "value"
    if code == "unknown_option":
        message = _("Ce choix ne fait pas partie des options de cette proposition. Rechargez la page et "
                    "choisissez parmi les options affichées.")
    elif code == "duplicate_rank":
        message = _("Une même option est classée deux fois, ou deux options ont le même rang. Donnez un rang "
                    "différent à chaque option.")
    elif code == "duplicate_choice":
        message = _("Une même option est choisie deux fois. Choisissez chaque option une seule fois.")
    elif code == "score_range":
        message = _("Chaque note va de 0 à 5. Corrigez les notes hors de cette échelle.")
    elif code == "not_integer":
        message = (_(method.not_integer_message) if method.not_integer_message else
                   _("Chaque rang est un nombre entier à partir de 1 (1 pour votre premier choix)."))
    elif code == "too_many_dots":
        budget = rules.get("dots", 8)
        try:
            spent = sum(value.values())
        except (AttributeError, TypeError):
            spent = None
        if isinstance(spent, int):
            message = ngettext(
                "Vous avez placé %(spent)s gommettes, mais vous n'en avez qu'une : retirez-en.",
                "Vous avez placé %(spent)s gommettes, mais vous n'en avez que %(budget)s : retirez-en.",
                budget,
            ) % {"spent": spent, "budget": budget}
        else:
            message = ngettext(
                "Vous avez placé trop de gommettes : vous n'en avez qu'une.",
                "Vous avez placé trop de gommettes : vous en avez %(budget)s au plus.",
                budget,
            ) % {"budget": budget}
    elif code == "negative_dots":
        message = _("Le nombre de gommettes d'une option ne peut pas être négatif : indiquez 0 ou plus.")
    elif code == "unknown_position":
        message = _("Cette réponse n'existe pas pour cette méthode de décision. Choisissez une des réponses "
                    "proposées.")
    elif code == "reason_required":
        field = "reason"
        message = (_(method.reason_required_message) if method.reason_required_message else
                   _("Une objection doit être motivée : expliquez dans le champ « Votre raison » ce qui vous "
                     "empêche de consentir."))
    elif code == "too_few_choices":
        least = rules.get("min_choices", 0)
        message = ngettext("Choisissez au moins %(count)s option.", "Choisissez au moins %(count)s options.",
                           least) % {"count": least}
    elif code == "too_many_choices":
        most = rules.get("max_choices")
        if most is None:
            message = _("Vous avez choisi trop d'options. Retirez-en.")
        else:
            message = ngettext("Choisissez au plus %(count)s option.", "Choisissez au plus %(count)s options.",
                               most) % {"count": most}
    elif code == "empty_text":
        message = _("Votre avis est vide : écrivez-le avant de l'envoyer.")
    else:
        message = _("Ce bulletin n'a pas la forme attendue. Rechargez la page et votez de nouveau.")
    return DomainError(message, field=field, code=code)


def validate_value(proposal: Proposal, value, reason: str = "") -> tuple[object, str]:
    """The ballot, checked against the proposal's method, options and rules, as stored (JSON)."""
    try:
        method = methods.get_method(proposal.method)
    except methods.RuleError:
        raise DomainError(_("La méthode de décision de cette proposition est inconnue : le vote ne peut pas "
                            "être enregistré. Signalez-le aux personnes qui animent l'espace."),
                          code="rules") from None
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise DomainError(_("La raison dépasse 5 000 caractères : raccourcissez-la."), field="reason",
                          code="reason_too_long")
    if method.ballot_shape == "text" and isinstance(value, str) and len(value.strip()) > MAX_REASON:
        raise DomainError(_("Votre avis dépasse 5 000 caractères : raccourcissez-le."), field="value",
                          code="advice_too_long")
    # The options the page has already loaded (prefetched), else one query.
    options = [str(option.pk) for option in proposal.options.all()] if method.needs_options else None
    rules = {key: item for key, item in tally_rules(proposal, present=0, eligible=0).items()
             if key in VALIDATION_RULES and key in method.rules}
    value = _option_keys(value, method)
    try:
        checked = methods.validate_ballot(method, methods.Ballot(value, reason=reason or None),
                                          options=options, **rules)
    except methods.BallotError as error:
        raise _ballot_message(error, method, rules, value) from None
    except TypeError:
        raise DomainError(_("Ce bulletin n'a pas la forme attendue. Rechargez la page et votez de nouveau."),
                          field="value", code="bad_shape") from None
    except methods.RuleError:
        raise DomainError(_("Les règles de vote de cette proposition sont incomplètes ou incohérentes : le vote "
                            "ne peut pas être enregistré. Signalez-le aux personnes qui animent l'espace."),
                          code="rules") from None
    reason = (checked.reason or "").strip() if isinstance(checked.reason, str) else reason
    if proposal.reason_required and not reason and method.ballot_shape != "text":
        raise DomainError(_("Cette proposition demande de motiver chaque vote : expliquez votre choix dans le "
                            "champ « Votre raison »."), field="reason", code="reason_required")
    return _to_json(checked.value, options), reason


# -- storing it --------------------------------------------------------------------------------

# The statements of a ballot, written out: the ORM compiled each of them for longer than the
# database ran it, on every ballot (issue 20). Each is worked out once per connection (core.written_sql).

#: the proposal's state as a ballot checks it, read under the lock
CURRENT_STATE_SQL = "SELECT {columns} FROM {proposal} WHERE {id} = %s{lock}"
CURRENT_STATE_FIELDS = ("status", "round", "opens_at", "closes_at", "closed_at")
#: a second ballot of the same voter in the round replaces the first, but for its receipt and creation
BALLOT_UPSERT_SQL = """INSERT INTO {ballot} ({columns}) VALUES ({values})
ON CONFLICT ({unique}) DO UPDATE SET {updates}
RETURNING {returned}"""
BALLOT_UPDATED = ("value", "reason", "cast_by", "cast_at", "person", "organization", "college_slug", "updated_at")
ONE_PER_VOTER_AND_ROUND = ("proposal", "round", "voter_key")
#: the voter's participation in the round: the first ballot's, kept
PARTICIPATION_SQL = "INSERT INTO {participation} ({columns}) VALUES ({values}) ON CONFLICT ({unique}) DO NOTHING"


def _inserted_fields(model) -> list:
    return [field for field in model._meta.concrete_fields if not field.generated and field is not model._meta.pk]


def _current_state_statement(conn):
    quote = conn.ops.quote_name
    # in the model's order of fields, which from_db expects
    fields = [field for field in Proposal._meta.concrete_fields if field.name in CURRENT_STATE_FIELDS]
    lock = ""
    if conn.features.has_select_for_update:
        lock = " " + conn.ops.for_update_sql(no_key=conn.features.has_select_for_no_key_update)
    sql = CURRENT_STATE_SQL.format(columns=", ".join(quote(field.column) for field in fields),
                                   proposal=quote(Proposal._meta.db_table), id=quote(Proposal._meta.pk.column),
                                   lock=lock)
    return sql, fields, converters_of(conn, fields)


def _current_state(proposal_id: int) -> Proposal:
    """The proposal as it stands, locked until the transaction ends (FOR NO KEY UPDATE on
    PostgreSQL; on SQLite the IMMEDIATE transaction already holds the database's write lock)."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, fields, converters = plan(conn, "decisions.current_state", _current_state_statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, [proposal_id])
        row = cursor.fetchone()
    if row is None:
        raise Proposal.DoesNotExist
    return Proposal.from_db(conn.alias, ["id", *(field.attname for field in fields)],
                            [proposal_id, *convert(row, converters, conn)])


def _insert_statement(conn, model, template: str, **parts) -> tuple[str, list]:
    quote = conn.ops.quote_name
    fields = _inserted_fields(model)
    unique = ", ".join(quote(model._meta.get_field(name).column) for name in ONE_PER_VOTER_AND_ROUND)
    sql = template.format(columns=", ".join(quote(field.column) for field in fields),
                          values=", ".join(["%s"] * len(fields)), unique=unique, **parts)
    return sql, fields


def _ballot_statement(conn):
    quote = conn.ops.quote_name
    updated = [quote(Ballot._meta.get_field(name).column) for name in BALLOT_UPDATED]
    returned = [field for field in Ballot._meta.concrete_fields if not field.generated]
    sql, fields = _insert_statement(
        conn, Ballot, BALLOT_UPSERT_SQL, ballot=quote(Ballot._meta.db_table),
        updates=", ".join(f"{column} = EXCLUDED.{column}" for column in updated),
        returned=", ".join(quote(field.column) for field in returned))
    return sql, fields, returned, converters_of(conn, returned)


def _values(conn, fields, instance) -> list:
    """The instance's values as an INSERT stores them (the creation and change stamps set)."""
    return [field.get_db_prep_save(field.pre_save(instance, True), connection=conn) for field in fields]


def _store_ballot(ballot: Ballot) -> Ballot:
    """Insert the ballot or, when the voter already has one in the round, replace it, in one
    statement (INSERT … ON CONFLICT … DO UPDATE … RETURNING: PostgreSQL, SQLite ≥ 3.35): the
    stored row comes back as it is, with the receipt of the voter's first ballot of the round."""
    conn = connections[DEFAULT_DB_ALIAS]
    if not conn.features.can_return_columns_from_insert:  # an older SQLite: upsert, then read back
        Ballot.objects.bulk_create([ballot], update_conflicts=True, unique_fields=list(ONE_PER_VOTER_AND_ROUND),
                                   update_fields=list(BALLOT_UPDATED))
        return Ballot.objects.get(proposal_id=ballot.proposal_id, round=ballot.round, voter_key=ballot.voter_key)
    sql, fields, returned, converters = plan(conn, "decisions.ballot_upsert", _ballot_statement)
    with conn.cursor() as cursor:
        cursor.execute(sql, _values(conn, fields, ballot))
        row = cursor.fetchone()
    return Ballot.from_db(conn.alias, [field.attname for field in returned], convert(row, converters, conn))


def _store_participation(participation: Participation) -> None:
    """Note the voter's participation in the round, unless already noted (the first ballot's stays)."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, fields = plan(conn, "decisions.participation_insert", lambda conn: _insert_statement(
        conn, Participation, PARTICIPATION_SQL, participation=conn.ops.quote_name(Participation._meta.db_table)))
    with conn.cursor() as cursor:
        cursor.execute(sql, _values(conn, fields, participation))


def ballot_cast(*, proposal: Proposal, person, value, reason: str = "", organization=None,
                now: datetime | None = None, voters: dict[str, Voter] | None = None) -> Ballot:
    """Cast or change ``person``'s ballot (or their organization's) and return the stored one.

    The weight is always 1: there is no way to give another. The receipt code stays the one of
    the voter's first ballot in the round, whatever changes follow. ``voters``: the person's own
    ``eligible_voters(proposal, include_recused=True, for_person=person)`` when already computed.
    """
    now = now or timezone.now()
    check_accepting(proposal, now)
    voter = voter_for(proposal, person, organization, voters=voters)
    stored_value, reason = validate_value(proposal, value, reason)

    with transaction.atomic():
        current = _current_state(proposal.pk)
        check_accepting(current, now)
        ballot = _store_ballot(Ballot(
            proposal_id=proposal.pk, round=current.round, voter_key=voter.key, person_id=voter.person_id,
            organization_id=voter.organization_id, cast_by=person, college_slug=voter.college_slug,
            value=stored_value, reason=reason, weight=1, cast_at=now,
        ))
        _store_participation(Participation(
            proposal_id=proposal.pk, round=current.round, voter_key=voter.key, person_id=voter.person_id,
            organization_id=voter.organization_id, college_slug=voter.college_slug, first_cast_at=now,
        ))
        return ballot


# -- reading it back ---------------------------------------------------------------------------

def ballot_for(proposal: Proposal, person, organization=None, *,
               voters: dict[str, Voter] | None = None) -> Ballot | None:
    """The current ballot of the voter ``person`` casts for in the current round, or None
    (not eligible, not voted yet, or anonymous ballots already unlinked at closing).
    ``voters``: ``eligible_voters(proposal, include_recused=True)`` when already computed."""
    if person is None or not getattr(person, "is_authenticated", False):
        return None
    try:
        key = voter_for(proposal, person, organization, voters=voters).key
    except DomainError:
        return None
    return Ballot.objects.filter(proposal=proposal, round=proposal.round, voter_key=key).first()


def organization_casters(proposal: Proposal, keys: list[str]) -> dict[str, dict]:
    """Who cast each of these organizations' ballots in the current round, and when: what the
    delegate and the alternate read before voting (one query, none without keys)."""
    if not keys:
        return {}
    return {row["voter_key"]: row for row in Ballot.objects.filter(
        proposal=proposal, round=proposal.round, voter_key__in=sorted(keys),
    ).values("voter_key", "cast_at", "cast_by_id", "cast_by__display_name", "cast_by__email")}
