"""Accounts fixtures: an `Accounts` on SQLite and on a throwaway PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gas.accounts import Accounts

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_CONNECT_TIMEOUT_SECONDS = 2


def _postgres_admin():
    """An autocommit connection to the local PostgreSQL server, or skip saying why."""
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(
            POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=POSTGRES_CONNECT_TIMEOUT_SECONDS
        )
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 (user postgres, db test) did not answer: {exc}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database, dropped after the test."""
    admin = _postgres_admin()
    name = f"gas_accounts_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests on SQLite (a file) and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'accounts.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def accounts(database_url: str) -> Iterator[Accounts]:
    """Migrated accounts storage."""
    store = Accounts(database_url)
    store.migrate()
    yield store
    store.dispose()
