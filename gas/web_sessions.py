"""Server-side web sessions in the accounts database: the browser holds only a random id.

A row is keyed by the SHA-256 of that id, so a copy of the table signs nobody in. Sign-out
deletes the row; a cookie whose row is gone is worth nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Index, String, Text, delete, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from gas.accounts import Accounts, Base, UTCDateTime

SESSION_ID_BYTES = 32  # 256 bits from the OS's CSPRNG; token_urlsafe makes 43 characters
_SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class WebSession(Base):
    """One browser's session: its data (JSON), whose it is, and when it ends."""

    __tablename__ = "web_sessions"
    __table_args__ = (
        Index("web_sessions_expires_idx", "expires"),
        Index("web_sessions_identity_idx", "identity_id"),
    )

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    identity_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text, nullable=False)
    created: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


@dataclass(frozen=True)
class StoredSession:
    """What a request reads back: the data and the session's times."""

    data: str
    created: datetime
    expires: datetime


def _now() -> datetime:
    """Current time in UTC."""
    return datetime.now(UTC)


def new_session_id() -> str:
    """A fresh session id for the cookie."""
    return secrets.token_urlsafe(SESSION_ID_BYTES)


def id_hash(session_id: str) -> str:
    """The row key of a session id (the id itself is never stored)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def is_session_id(value: str | None) -> bool:
    """True when `value` has the shape of an id GAS issues (others are not even looked up)."""
    return bool(value and _SESSION_ID_RE.match(value))


class SessionStore:
    """Reads and writes of session rows; a write never brings back a row that was deleted."""

    def __init__(self, accounts: Accounts) -> None:
        self._sessions = sessionmaker(accounts.engine, expire_on_commit=False)

    def load(self, session_id: str) -> StoredSession | None:
        """The session's data, or None when it does not exist or has expired."""
        if not is_session_id(session_id):
            return None
        with self._sessions() as db:
            row = db.get(WebSession, id_hash(session_id))
        if row is None or row.expires <= _now():
            return None
        return StoredSession(row.data, row.created, row.expires)

    def create(self, session_id: str, data: str, identity_id: str | None,
               expires: datetime) -> None:
        """Insert a new session (the id is fresh, so it cannot collide)."""
        row = WebSession(id_hash=id_hash(session_id), identity_id=identity_id, data=data,
                         created=_now(), expires=expires)
        with self._sessions.begin() as db:
            db.add(row)

    def update(self, session_id: str, data: str, identity_id: str | None,
               expires: datetime) -> bool:
        """Store new data in a live session; False (and nothing written) once it has ended."""
        statement = (
            update(WebSession)
            .where(WebSession.id_hash == id_hash(session_id), WebSession.expires > _now())
            .values(data=data, identity_id=identity_id, expires=expires)
        )
        with self._sessions.begin() as db:
            return db.execute(statement).rowcount == 1

    def touch(self, session_id: str, expires: datetime) -> None:
        """Move a live session's end (sliding idle expiry)."""
        statement = (
            update(WebSession)
            .where(WebSession.id_hash == id_hash(session_id), WebSession.expires > _now())
            .values(expires=expires)
        )
        with self._sessions.begin() as db:
            db.execute(statement)

    def delete(self, session_id: str) -> None:
        """End a session (sign-out); the cookie that named it no longer works anywhere."""
        with self._sessions.begin() as db:
            db.execute(delete(WebSession).where(WebSession.id_hash == id_hash(session_id)))

    def purge_expired(self) -> int:
        """Delete sessions that have ended; how many were deleted."""
        with self._sessions.begin() as db:
            purged = db.execute(delete(WebSession).where(WebSession.expires <= _now()))
            return purged.rowcount
