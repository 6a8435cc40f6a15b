"""Server-side sessions and personal API tokens in the accounts database, on SQLite and
PostgreSQL: only hashes stored, nothing brought back once deleted, expiry, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text, update

from gas.accounts import Accounts
from gas.api_tokens import MAX_TOKENS_PER_USER, TOKEN_PREFIX, ApiToken, ApiTokens, TokenLimitReached
from gas.web_sessions import SessionStore, id_hash, new_session_id


def _later(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


@pytest.fixture
def sessions(accounts: Accounts) -> SessionStore:
    return SessionStore(accounts)


@pytest.fixture
def tokens(accounts: Accounts) -> ApiTokens:
    for identity in ("ada", "bob"):
        accounts.upsert_from_login(identity, name=identity, email=f"{identity}@example.org")
    return ApiTokens(accounts)


def _all_text(accounts: Accounts, table: str) -> str:
    """Every value of every row of a table, as one string."""
    with accounts.engine.connect() as conn:
        return repr([tuple(row) for row in conn.execute(text(f"SELECT * FROM {table}"))])


def test_a_session_round_trips_and_only_its_hash_is_stored(sessions, accounts):
    session_id = new_session_id()
    sessions.create(session_id, '{"user": 1}', "ada", _later(hours=1))
    assert sessions.load(session_id).data == '{"user": 1}'
    stored = _all_text(accounts, "web_sessions")
    assert session_id not in stored and id_hash(session_id) in stored


def test_a_deleted_session_is_gone_and_an_update_does_not_bring_it_back(sessions):
    session_id = new_session_id()
    sessions.create(session_id, "{}", "ada", _later(hours=1))
    sessions.delete(session_id)
    assert sessions.load(session_id) is None
    assert sessions.update(session_id, '{"user": 1}', "ada", _later(hours=1)) is False
    sessions.touch(session_id, _later(hours=2))
    assert sessions.load(session_id) is None


def test_expired_sessions_do_not_load_and_are_purged(sessions):
    ended, live = new_session_id(), new_session_id()
    sessions.create(ended, "{}", None, _later(seconds=-1))
    sessions.create(live, "{}", None, _later(hours=1))
    assert sessions.load(ended) is None
    assert sessions.update(ended, "{}", None, _later(hours=1)) is False
    assert sessions.purge_expired() == 1
    assert sessions.load(live) is not None


@pytest.mark.parametrize("cookie", ["", "x", "A" * 42, "A" * 44, "../../etc", "A" * 42 + "="])
def test_ids_of_another_shape_are_not_looked_up(sessions, cookie):
    assert sessions.load(cookie) is None


def test_a_token_is_shown_once_and_only_its_hash_is_stored(tokens, accounts):
    record, secret = tokens.create("ada", "nightly pipeline")
    assert secret.startswith(TOKEN_PREFIX) and len(secret) > 40
    assert record.hint == secret[:len(record.hint)] and len(record.hint) < len(secret) // 3
    stored = _all_text(accounts, "api_tokens")
    assert secret not in stored and secret[len(record.hint):] not in stored
    assert [t.name for t in tokens.list_for("ada")] == ["nightly pipeline"]


def test_a_token_identifies_its_owner_until_revoked(tokens):
    record, secret = tokens.create("ada", "script")
    assert tokens.identify(secret) == "ada"
    assert tokens.revoke("ada", record.token_id).name == "script"
    assert tokens.identify(secret) is None and tokens.list_for("ada") == []


def test_another_user_cannot_revoke_a_token(tokens):
    record, secret = tokens.create("ada", "script")
    assert tokens.revoke("bob", record.token_id) is None
    assert tokens.revoke("bob", "0" * 32) is None
    assert tokens.identify(secret) == "ada"


@pytest.mark.parametrize("guess", ["", "gas_", "gas_x", "not-a-gas-token", TOKEN_PREFIX + "A" * 43])
def test_made_up_tokens_identify_nobody(tokens, guess):
    tokens.create("ada", "script")
    assert tokens.identify(guess) is None


def test_last_used_is_recorded_at_most_once_a_minute(tokens, accounts):
    record, secret = tokens.create("ada", "script")
    assert tokens.list_for("ada")[0].last_used is None
    tokens.identify(secret)
    first = tokens.list_for("ada")[0].last_used
    tokens.identify(secret)
    assert first is not None and tokens.list_for("ada")[0].last_used == first
    old = first - timedelta(minutes=2)
    with accounts.engine.begin() as conn:
        conn.execute(update(ApiToken).where(ApiToken.token_id == record.token_id)
                     .values(last_used=old))
    tokens.identify(secret)
    assert tokens.list_for("ada")[0].last_used > old + timedelta(minutes=1)


def test_tokens_per_user_are_limited(tokens):
    for number in range(MAX_TOKENS_PER_USER):
        tokens.create("ada", f"t{number}")
    with pytest.raises(TokenLimitReached):
        tokens.create("ada", "one too many")
    assert tokens.create("bob", "bob's first")[1].startswith(TOKEN_PREFIX)


def test_tables_exist_after_migration(accounts):
    with accounts.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM web_sessions")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM api_tokens")).scalar() == 0
