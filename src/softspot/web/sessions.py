"""Django's database sessions, with the one read every request makes compiled once (``SESSION_ENGINE``).

The same table, the same rows and the same rules as ``django.contrib.sessions.backends.db`` (sessions made by
either are read by the other); only the SQL of "the live session with this key" is built once per database
instead of on every request (softspot.store.compiled; issue 9, record POSTs per second). Every request still
reads its session from the database: a session ended on one server process (signing out, a password change,
"sign out everywhere") is ended on all of them at once, which a per-process session cache could not promise.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from softspot.store.compiled import CompiledQuery, Slot

LIVE = CompiledQuery(
    Session.objects.filter(session_key=Slot("key", CharField()), expire_date__gt=Slot("now", DateTimeField()))
)


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Any:
        found = LIVE.first(key=self.session_key, now=timezone.now()) if self.session_key else None
        if found is None:
            self._session_key = None
        return found
