"""Flask sessions kept server-side (`gas.web_sessions`): the cookie carries only a random id.

Signed-in sessions end after SIGNED_IN_IDLE of inactivity and at most SIGNED_IN_MAX after
sign-in; anonymous ones (a CSRF token, a sign-in in progress) after ANONYMOUS_IDLE. Sign-in
issues a new id (no fixation), sign-out deletes the row (a replayed cookie is worth nothing).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, Request, Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from gas.web_sessions import SessionStore, StoredSession, new_session_id

SIGNED_IN_IDLE = timedelta(hours=12)
SIGNED_IN_MAX = timedelta(days=7)
ANONYMOUS_IDLE = timedelta(hours=1)  # long enough to finish signing in
# An unchanged session's end is pushed back at most this often (one write, not one per request).
TOUCH_INTERVAL = timedelta(minutes=5)
PURGE_INTERVAL_SECONDS = 600  # how often one process deletes ended sessions


class ServerSession(CallbackDict, SessionMixin):
    """The session dict of one request, with the id of its row (None until first stored)."""

    def __init__(self, data: dict | None = None, session_id: str | None = None,
                 stored: StoredSession | None = None) -> None:
        def on_update(session: ServerSession) -> None:
            session.modified = True

        super().__init__(data, on_update)
        self.session_id = session_id
        self.stored = stored
        self.modified = False
        self.renew = False  # a new id at the end of this request (sign-in, sign-out)


def renew_session(session: SessionMixin) -> None:
    """Give the session a fresh id when it is saved, deleting the old row (sign-in, sign-out)."""
    if isinstance(session, ServerSession):
        session.renew = True


def _now() -> datetime:
    """Current time in UTC."""
    return datetime.now(UTC)


class DatabaseSessionInterface(SessionInterface):
    """Sessions in the accounts database (SQLite or PostgreSQL, whichever the app uses)."""

    serializer = TaggedJSONSerializer()  # Flask's own: keeps bytes, tuples and markup

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self._purge_lock = threading.Lock()
        self._next_purge = 0.0

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """The row the cookie names, or a new empty session."""
        session_id = request.cookies.get(self.get_cookie_name(app))
        stored = self.store.load(session_id) if session_id else None
        if stored is None:
            return ServerSession()
        try:
            data = self.serializer.loads(stored.data)
        except ValueError:
            return ServerSession()
        return ServerSession(data if isinstance(data, dict) else {}, session_id, stored)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        """Write what changed; delete an emptied or renewed session's row."""
        response.vary.add("Cookie")
        if session.session_id and (session.renew or not session):
            self.store.delete(session.session_id)
            session.session_id, session.stored = None, None
        if not session:
            if session.modified or session.renew:
                self._delete_cookie(app, response)
            return
        identity_id = (session.get("user") or {}).get("identity_id")
        if session.session_id is None:
            self._create(app, session, response, identity_id)
        elif session.modified:
            if not self.store.update(session.session_id, self._dump(session), identity_id,
                                     self._expires(session, identity_id)):
                self._delete_cookie(app, response)  # ended meanwhile (signed out elsewhere)
        elif self._touch_due(session, identity_id):
            self.store.touch(session.session_id, self._expires(session, identity_id))

    def _create(self, app: Flask, session: ServerSession, response: Response,
                identity_id: str | None) -> None:
        """Store a new row under a fresh id and send that id as the cookie."""
        session_id = new_session_id()
        self.store.create(session_id, self._dump(session), identity_id,
                          self._expires(None, identity_id))
        session.session_id = session_id
        response.set_cookie(
            self.get_cookie_name(app), session_id, expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app), domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
        )
        self._purge_now_and_then()

    def _delete_cookie(self, app: Flask, response: Response) -> None:
        """Tell the browser to forget the session cookie."""
        response.delete_cookie(
            self.get_cookie_name(app), domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app), httponly=self.get_cookie_httponly(app),
        )

    def _dump(self, session: ServerSession) -> str:
        """The session's data as stored."""
        return self.serializer.dumps(dict(session))

    @staticmethod
    def _expires(session: ServerSession | None, identity_id: str | None) -> datetime:
        """When the session ends if nothing else happens."""
        now = _now()
        if identity_id is None:
            return now + ANONYMOUS_IDLE
        created = session.stored.created if session and session.stored else now
        return min(now + SIGNED_IN_IDLE, created + SIGNED_IN_MAX)

    def _touch_due(self, session: ServerSession, identity_id: str | None) -> bool:
        """True when pushing the row's end back would gain more than TOUCH_INTERVAL."""
        if session.stored is None:
            return False
        return self._expires(session, identity_id) - session.stored.expires >= TOUCH_INTERVAL

    def _purge_now_and_then(self) -> None:
        """Delete ended sessions, at most once per PURGE_INTERVAL_SECONDS in this process."""
        now = time.monotonic()
        with self._purge_lock:
            if now < self._next_purge:
                return
            self._next_purge = now + PURGE_INTERVAL_SECONDS
        self.store.purge_expired()
