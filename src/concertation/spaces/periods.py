"""« Current on that day »: a membership, a delegation or a role's term began on or before the day
and has not ended (a term may also have been ended early), in its ORM form (``current_q``) and in its
SQL form for statements written out by hand (``current_sql``), side by side; tests/spaces/
test_selectors_sql.py checks they agree. Here rather than in selectors.py so that access.py, which
selectors.py imports, can use them too."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone


def current_q(prefix: str = "", on=None) -> Q:
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


def current_sql(alias: str, on: str = "%(on)s") -> str:
    """``current_q`` for a statement written out by hand: the row ``alias`` began on or before the day
    ``on`` (a placeholder) and has no end, or ends on or after it."""
    return f'{alias}.start <= {on} AND ({alias}."end" IS NULL OR {alias}."end" >= {on})'


def assignment_current_q(prefix: str = "", on=None) -> Q:
    on = on or timezone.localdate()
    return current_q(prefix, on) & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on}))


def assignment_current_sql(alias: str, on: str = "%(on)s") -> str:
    """``assignment_current_q`` for a statement written out by hand (``current_sql``, and not ended
    early on or before the day ``on``)."""
    return f"{current_sql(alias, on)} AND ({alias}.ended_on IS NULL OR {alias}.ended_on > {on})"
