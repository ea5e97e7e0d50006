"""The demo's accounts, territory, people, organizations, spaces, memberships, roles and charters
(data: accounts.toml, territory.toml, spaces.toml, roles.toml, charters.toml), written through the
services of ``concertation.spaces.services`` so that the demo follows the domain's rules."""

from __future__ import annotations

from datetime import timedelta

from concertation.core.dates import add_months
from concertation.demo.context import (
    ACCOUNT_EMAILS,
    ARRONDISSEMENT,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoContext,
    all_demo_people,
    data,
    demo_person,
    email_of,
    fr,
    full_name,
    organizations,
)
from concertation.directory.models import Affiliation, College, Sector, Territory
from concertation.spaces import services
from concertation.spaces.models import Delegation, MembershipCategory, RoleAssignment


def ensure_demo_accounts(ctx: DemoContext) -> None:
    """The six demo accounts exist, are active, verified and sign in with the demo password."""
    for account in DEMO_ACCOUNTS:
        user = demo_person(account.email, account.name, password=DEMO_PASSWORD, is_admin=account.is_admin)
        ctx.remember("person", account.email.lower(), user)


def build_territory(ctx: DemoContext) -> None:
    territory = data("territory")
    ctx.territory = Territory.objects.create(
        name=territory["name"], slug=territory["slug"], kind=territory["kind"],
        description=fr(territory["description"]),
    )
    for name in territory["sectors"]:
        ctx.remember("sector", name, Sector.objects.create(territory=ctx.territory, name=name))
    for slug, college in territory["colleges"].items():
        ctx.remember("college", slug, College.objects.create(territory=ctx.territory, name=college["name"], slug=slug,
                                                             kind=college["kind"]))


def build_people(ctx: DemoContext) -> None:
    """Delegates, alternates and citizens; only the demo accounts can sign in."""
    account_emails = {account.email.lower() for account in DEMO_ACCOUNTS}
    for person, email in all_demo_people():
        if email.lower() not in account_emails:
            ctx.remember("person", email.lower(), demo_person(email, full_name(person)))


def build_organizations(ctx: DemoContext) -> None:
    since = ctx.past(data("territory")["affiliated_since"])
    for key, item in organizations().items():
        domain = item["domain"]
        organization = services.organization_save(
            territory=ctx.territory, name=item["name"], acronym=item["acronym"], sector=ctx.sector(item["sector"]),
            college=ctx.college(item["college"]), description=fr(item["description"]),
            website=f"https://{domain}/", address=f"{item['street']}, {ARRONDISSEMENT} (Québec)",
            contact_name=full_name(item["delegate"]), contact_email=f"info@{domain}", contact_phone=item["phone"],
        )
        ctx.remember("organization", key, organization)
        for kind in ("delegate", "alternate"):
            person = item[kind]
            Affiliation.objects.create(person=ctx.person(email_of(person, domain)), organization=organization,
                                       title=person["title"], start=since)
    for key, item in organizations().items():
        if former := item.get("former_delegate"):
            Affiliation.objects.create(
                person=ctx.person(email_of(former, item["domain"])), organization=ctx.organization(key),
                title=former["title"], start=ctx.past(former["since"]),
                end=ctx.past(former["replaced"]) - timedelta(days=1),
            )


def build_spaces(ctx: DemoContext) -> None:
    for position, item in enumerate(data("spaces")["spaces"]):
        parent = item.get("parent")
        space = services.space_create(
            territory=ctx.territory, name=item["name"], kind=item["kind"], parent=ctx.space(parent) if parent else None,
            mandate=fr(item["mandate"]), visibility=item["visibility"], slug=item["slug"],
        )
        services.space_update(space=space, position=position)
        ctx.remember("space", item["slug"], space)


def build_memberships(ctx: DemoContext) -> None:
    for item in data("spaces")["spaces"]:
        space = ctx.space(item["slug"])
        for key in item["members"]:
            organization = organizations()[key]
            joined = ctx.past(item.get("joined_later", {}).get(key, item["members_since"]))
            delegate = ctx.delegate_of(key)
            former = organization.get("former_delegate")
            if former and joined < ctx.past(former["replaced"]):
                delegate = ctx.person(email_of(former, organization["domain"]))
            membership = services.membership_add(
                space=space, organization=ctx.organization(key),
                category=MembershipCategory.OBSERVER if organization.get("observer") else MembershipCategory.VOTING,
                delegate=delegate, alternate=ctx.alternate_of(key), start=joined,
                college=ctx.college(organization["college"]),
            )
            if delegate != ctx.delegate_of(key):
                # The organization changed its delegate: the former one's term ends.
                services.delegation_set(membership=membership, kind=Delegation.Kind.DELEGATE,
                                        person=ctx.delegate_of(key), start=ctx.past(former["replaced"]))
        for email in item["citizens"]:
            services.membership_add(
                space=space, person=ctx.person(email), category=MembershipCategory.VOTING,
                start=ctx.past(item.get("citizens_since", item["members_since"])), college=ctx.college("citoyen"),
                note=fr(data("spaces")["citizen_note"]),
            )


def _term(ctx: DemoContext, holder: dict, months: int | None) -> tuple:
    """(start, end) of a holder's term: from ``start`` for ``term_months``, or the term ending this
    month (``ends = "month end"``), or ``terms_before`` terms before it."""
    if holder.get("ends") == "month end":
        end = ctx.timeline.month_end()
        start = add_months(end + timedelta(days=1), -months)
        for _n in range(holder.get("terms_before", 0)):
            end = start - timedelta(days=1)
            start = add_months(end + timedelta(days=1), -months)
        return start, end
    start = ctx.past(holder["start"])
    return start, add_months(start, months) - timedelta(days=1) if months else None


def build_roles(ctx: DemoContext) -> None:
    positions: dict[str, int] = {}
    for item in data("roles")["roles"]:
        space = ctx.space(item["space"])
        position = positions[item["space"]] = positions.get(item["space"], -1) + 1
        months = item.get("term_months")
        role = services.role_save(
            space=space, name=item["name"], kind=item["kind"], purpose=fr(item["purpose"]),
            responsibilities=fr(item["responsibilities"]), term_months=months, seats=item.get("seats", 1),
            position=position,
        )
        for holder in item["holders"]:
            person = ctx.person(holder["person"]) if "person" in holder else None
            organization = ctx.organization(holder["organization"]) if "organization" in holder else None
            start, end = _term(ctx, holder, months)
            assignment = services.role_assign(role=role, person=person, organization=organization, start=start,
                                              end=end)
            if holder.get("terms_before"):
                services.role_assignment_end(assignment=assignment, ended_on=end,
                                             reason=RoleAssignment.EndReason.TERM_COMPLETED)
        for term in item.get("past", ()):  # earlier terms, completed: the role's rotation over the years
            person = ctx.person(term["person"]) if "person" in term else None
            organization = ctx.organization(term["organization"]) if "organization" in term else None
            end = ctx.on(term["end"])
            assignment = services.role_assign(role=role, person=person, organization=organization,
                                              start=ctx.on(term["start"]), end=end)
            services.role_assignment_end(assignment=assignment, ended_on=end,
                                         reason=RoleAssignment.EndReason.TERM_COMPLETED)


def build_charters(ctx: DemoContext) -> None:
    charters = data("charters")
    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    for item in data("spaces")["spaces"]:
        space = ctx.space(item["slug"])
        rules = dict(charters[item["charter"]])
        text = rules.pop("rules_text")
        text = text[space.slug] if isinstance(text, dict) else text.format(name=space.name)
        services.charter_adopt(space=space, by=coordinator, rules_text=fr(text),
                               adopted_on=ctx.on(charters["adopted_on"]),
                               adoption_note=ctx.t(charters["adoption_note"]), **rules)


def build_coordinators(ctx: DemoContext) -> None:
    ctx.territory.coordinators.add(ctx.person(ACCOUNT_EMAILS["coordinator"]))
