"""The session store: Django's database sessions, the row read with core/one_row.py.

Every request of a signed-in person reads its session row; Django's store builds and compiles that
``get`` again each time. The same statement (the ORM's), the same rule (the key, not expired), the
same answer when the row is missing or expired: the person is signed out.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from concertation.core.one_row import get_one


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        session = get_one(
            self.model, self.model.objects.db, session_key=self.session_key, expire_date__gt=timezone.now()
        )
        if session is None:
            self._session_key = None
        return session
