"""User accounts: the `profiles` table (SQLAlchemy 2; SQLite by default, PostgreSQL via psycopg 3).

The web app writes profiles at sign-in and on upgrade; the util workers read roles and e-mail
addresses through the same `Accounts` object. The schema is created by Alembic (`gas/migrations`),
run from `Accounts.migrate()`.
"""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    String,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from gas.config import Settings
from gas.identity import identity_id_for_email

FREE = "free_user"
PREMIUM = "premium_user"
ROLES = (FREE, PREMIUM)
EDITABLE_FIELDS = ("name", "email", "institution", "role")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Key of the PostgreSQL advisory lock that serialises migrations between processes.
MIGRATION_LOCK_KEY = zlib.crc32(b"gas.accounts.migrate")
SQLITE_BUSY_TIMEOUT_SECONDS = 30


class NoSuchProfile(KeyError):
    """No profile has this identity id."""


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        """Normalise to UTC before storing."""
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        """Attach UTC to naive values read back."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _now() -> datetime:
    """Current time in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the accounts models."""


class Profile(Base):
    """A signed-in user's profile; the role decides upload size and result retention."""

    __tablename__ = "profiles"
    __table_args__ = (
        CheckConstraint(f"role IN ('{FREE}', '{PREMIUM}')", name="profiles_role_check"),
        Index("profiles_email_idx", "email"),
    )

    identity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    institution: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32), default=FREE, nullable=False)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, nullable=False)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, nullable=False)

    @property
    def is_premium(self) -> bool:
        """True for premium users."""
        return self.role == PREMIUM

    def __repr__(self) -> str:
        return f"Profile({self.identity_id!r}, role={self.role!r})"


def engine_url(database_url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver (RDS hands out postgres://)."""
    for plain in ("postgres://", "postgresql://"):
        if database_url.startswith(plain):
            return "postgresql+psycopg://" + database_url[len(plain):]
    return database_url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Wait for a busy database instead of failing at once (several worker processes share it)."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


class Accounts:
    """Profiles storage: one engine per process, short sessions, detached results."""

    def __init__(self, database_url: str) -> None:
        url = make_url(engine_url(database_url))
        self.is_sqlite = url.get_backend_name() == "sqlite"
        self.engine: Engine = create_engine(url, pool_pre_ping=not self.is_sqlite)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            if url.database and url.database != ":memory:":
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        self._sqlite_file = url.database if self.is_sqlite and url.database != ":memory:" else None
        # expire_on_commit=False keeps loaded values readable after the session closes.
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    @contextmanager
    def _sqlite_migration_lock(self) -> Iterator[None]:
        """Serialise SQLite migrations between processes with a lock file (no-op otherwise).

        Taken around the whole transaction: released before the commit, another process would
        read the old schema version and create the same tables again.
        """
        if not self._sqlite_file:
            yield
            return
        with open(f"{self._sqlite_file}.migrate.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield  # the lock is released when the file closes

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision; idempotent, safe from several processes."""
        from alembic import command  # local import: only start-up needs Alembic
        from alembic.config import Config

        with self._sqlite_migration_lock(), self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                # Held until this transaction ends, so the next migrator sees the new schema.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK_KEY})
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def get(self, identity_id: str) -> Profile | None:
        """The profile of this identity, or None."""
        with self._sessions() as session:
            return session.get(Profile, identity_id)

    def _insert(self, profile: Profile) -> bool:
        """Insert a new profile; False when another process inserted it first."""
        try:
            with self._sessions.begin() as session:
                session.add(profile)
        except IntegrityError:
            return False
        return True

    def upsert_from_login(
        self, identity_id: str, *, name: str | None, email: str | None,
        institution: str | None = None,
    ) -> Profile:
        """Create the profile at first sign-in (role free) or refresh it from the identity.

        The provider is the authority for the e-mail address (notifications go there); a name or
        institution the user has edited on the profile page is kept.
        """
        if self.get(identity_id) is None:
            new = Profile(identity_id=identity_id, name=name, email=email, institution=institution,
                          role=FREE)
            if self._insert(new):
                return new
        with self._sessions.begin() as session:
            profile = session.get(Profile, identity_id, with_for_update=True)
            if email:
                profile.email = email
            profile.name = profile.name or name
            profile.institution = profile.institution or institution
            profile.updated = _now()
        return profile

    def get_or_create_by_email(self, email: str) -> Profile:
        """The profile of the identity the dev provider issues for `email` (created free)."""
        identity_id = identity_id_for_email(email)
        existing = self.get(identity_id)
        if existing is not None:
            return existing
        new = Profile(identity_id=identity_id, name=email.split("@")[0], email=email, role=FREE)
        return new if self._insert(new) else self.get(identity_id)

    def find_by_email(self, email: str) -> list[Profile]:
        """Every profile with this e-mail address, oldest first (addresses need not be unique)."""
        with self._sessions() as session:
            query = select(Profile).where(func.lower(Profile.email) == email.strip().lower())
            return list(session.scalars(query.order_by(Profile.created)))

    def update(self, identity_id: str, **fields: str | None) -> Profile:
        """Change editable fields (name, email, institution, role); NoSuchProfile if absent."""
        unknown = set(fields) - set(EDITABLE_FIELDS)
        if unknown:
            raise TypeError(f"not editable profile fields: {', '.join(sorted(unknown))}")
        if "role" in fields and fields["role"] not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {fields['role']!r}")
        with self._sessions.begin() as session:
            profile = session.get(Profile, identity_id, with_for_update=True)
            if profile is None:
                raise NoSuchProfile(identity_id)
            for field, value in fields.items():
                setattr(profile, field, value)
            profile.updated = _now()
        return profile

    def set_role(self, identity_id: str, role: str) -> Profile:
        """Make the user free or premium."""
        return self.update(identity_id, role=role)

    @staticmethod
    def max_upload_bytes(profile: Profile | None, settings: Settings) -> int:
        """Largest input file this user may submit."""
        if profile is not None and profile.is_premium:
            return settings.premium_user_max_upload_bytes
        return settings.free_user_max_upload_bytes
