"""Personal API tokens: a signed-in user makes one for a script, sees it once, revokes it later.

Only a SHA-256 of each token is stored (a token is 256 random bits, so a slow hash adds
nothing); a lookup is one indexed read, so a revoked token fails on its very next request.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from gas.accounts import Accounts, Base, UTCDateTime

TOKEN_PREFIX = "gas_"  # tells GAS tokens from Globus ones without asking Globus
TOKEN_BYTES = 32
HINT_CHARS = 8  # shown in the list so a user can tell tokens apart
MAX_TOKENS_PER_USER = 20
MAX_NAME_CHARS = 64
# last_used is written at most this often per token: scripts may call many times a second.
LAST_USED_RESOLUTION = timedelta(seconds=60)


class TokenLimitReached(Exception):
    """The user already has MAX_TOKENS_PER_USER tokens."""


class ApiToken(Base):
    """One personal token: whose, its name, its hash, and when it was made and last used."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("api_tokens_identity_idx", "identity_id"),)

    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    identity_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("profiles.identity_id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(MAX_NAME_CHARS), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    hint: Mapped[str] = mapped_column(String(16), nullable=False)
    created: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _now() -> datetime:
    """Current time in UTC."""
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_gas_token(token: str) -> bool:
    """True for a token of GAS's own shape (never sent to Globus for introspection)."""
    return token.startswith(TOKEN_PREFIX)


class ApiTokens:
    """Creating, listing, revoking and checking personal tokens."""

    def __init__(self, accounts: Accounts) -> None:
        self._sessions = sessionmaker(accounts.engine, expire_on_commit=False)

    def create(self, identity_id: str, name: str) -> tuple[ApiToken, str]:
        """Make a token; return its record and the token itself (shown once, never stored)."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        record = ApiToken(token_id=uuid.uuid4().hex, identity_id=identity_id,
                          name=name.strip()[:MAX_NAME_CHARS], token_hash=token_hash(secret),
                          hint=secret[:len(TOKEN_PREFIX) + HINT_CHARS], created=_now())
        with self._sessions.begin() as db:
            count = db.scalar(select(func.count()).where(ApiToken.identity_id == identity_id))
            if count >= MAX_TOKENS_PER_USER:
                raise TokenLimitReached(identity_id)
            db.add(record)
        return record, secret

    def list_for(self, identity_id: str) -> list[ApiToken]:
        """The user's tokens, newest first."""
        query = (select(ApiToken).where(ApiToken.identity_id == identity_id)
                 .order_by(ApiToken.created.desc()))
        with self._sessions() as db:
            return list(db.scalars(query))

    def revoke(self, identity_id: str, token_id: str) -> ApiToken | None:
        """Delete one of the user's tokens; the revoked record, or None if it is not theirs."""
        with self._sessions.begin() as db:
            record = db.get(ApiToken, token_id)
            if record is None or record.identity_id != identity_id:
                return None
            db.execute(delete(ApiToken).where(ApiToken.token_id == token_id))
        return record

    def identify(self, token: str) -> str | None:
        """The identity id a live token belongs to (recording its use), or None."""
        if not is_gas_token(token):
            return None
        with self._sessions() as db:
            record = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
        if record is None:
            return None
        now = _now()
        if record.last_used is None or now - record.last_used >= LAST_USED_RESOLUTION:
            with self._sessions.begin() as db:
                db.execute(update(ApiToken).where(ApiToken.token_id == record.token_id)
                           .values(last_used=now))
        return record.identity_id
