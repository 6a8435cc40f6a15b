"""Accounts on SQLite and PostgreSQL: migrations, sign-in upserts, roles and upload limits."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from gas.accounts import FREE, PREMIUM, Accounts, NoSuchProfile, engine_url
from gas.config import load_settings
from gas.identity import identity_id_for_email


def test_migrate_creates_profiles_and_is_idempotent(accounts: Accounts) -> None:
    accounts.migrate()  # a second run changes nothing and does not fail
    columns = {c["name"] for c in inspect(accounts.engine).get_columns("profiles")}
    assert columns == {"identity_id", "name", "email", "institution", "role", "created", "updated"}
    with accounts.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "0002_sessions_tokens"
        )


def _migrate_in_process(database_url: str) -> None:
    """Child process body: migrate the shared database."""
    store = Accounts(database_url)
    store.migrate()
    store.dispose()


def test_migrate_from_several_processes_at_once(database_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_migrate_in_process, args=(database_url,)) for _ in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=60)
    assert [proc.exitcode for proc in procs] == [0, 0, 0, 0]
    store = Accounts(database_url)
    assert store.upsert_from_login("id-1", name="A", email="a@example.org").role == FREE
    store.dispose()


def test_first_sign_in_creates_a_free_profile(accounts: Accounts) -> None:
    profile = accounts.upsert_from_login("id-1", name="Ada", email="ada@example.org")
    assert (profile.role, profile.is_premium) == (FREE, False)
    stored = accounts.get("id-1")
    assert (stored.name, stored.email, stored.institution) == ("Ada", "ada@example.org", None)
    assert stored.created.tzinfo is not None and stored.updated >= stored.created


def test_later_sign_in_takes_the_email_but_keeps_edited_details(accounts: Accounts) -> None:
    accounts.upsert_from_login("id-1", name="Ada", email="old@example.org")
    accounts.update("id-1", name="Ada Lovelace", institution="Analytical Engines")
    accounts.set_role("id-1", PREMIUM)
    again = accounts.upsert_from_login("id-1", name="ada", email="new@example.org")
    assert (again.name, again.email, again.institution, again.role) == (
        "Ada Lovelace", "new@example.org", "Analytical Engines", PREMIUM,
    )


def test_sign_in_fills_missing_details(accounts: Accounts) -> None:
    accounts.upsert_from_login("id-1", name=None, email=None)
    filled = accounts.upsert_from_login("id-1", name="Ada", email="a@example.org",
                                        institution="UChicago")
    assert (filled.name, filled.email, filled.institution) == ("Ada", "a@example.org", "UChicago")


def test_concurrent_first_sign_ins_make_one_profile(accounts: Accounts) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(
            lambda i: accounts.upsert_from_login("id-1", name=f"n{i}", email="a@example.org"),
            range(8),
        ))
    assert {p.identity_id for p in results} == {"id-1"}
    with accounts.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM profiles")).scalar() == 1


def test_get_of_an_unknown_identity_is_none(accounts: Accounts) -> None:
    assert accounts.get("nobody") is None


def test_get_or_create_by_email_uses_the_dev_identity_id(accounts: Accounts) -> None:
    created = accounts.get_or_create_by_email("Grace@Example.org")
    assert created.identity_id == identity_id_for_email("grace@example.org")
    assert (created.email, created.role) == ("Grace@Example.org", FREE)
    accounts.set_role(created.identity_id, PREMIUM)
    assert accounts.get_or_create_by_email("grace@example.org").role == PREMIUM


def test_find_by_email_ignores_case_and_finds_every_holder(accounts: Accounts) -> None:
    accounts.upsert_from_login("id-1", name="A", email="Ada@Example.org")
    accounts.upsert_from_login("id-2", name="B", email="ada@example.org")
    accounts.upsert_from_login("id-3", name="C", email="other@example.org")
    found = accounts.find_by_email(" ADA@example.org ")
    assert [profile.identity_id for profile in found] == ["id-1", "id-2"]
    assert accounts.find_by_email("nobody@example.org") == []


@pytest.mark.parametrize("role", [PREMIUM, FREE])
def test_set_role(accounts: Accounts, role: str) -> None:
    accounts.upsert_from_login("id-1", name="A", email="a@example.org")
    assert accounts.set_role("id-1", role).role == role
    assert accounts.get("id-1").is_premium is (role == PREMIUM)


@pytest.mark.parametrize(
    ("fields", "error"),
    [({"role": "admin"}, ValueError), ({"identity_id": "x"}, TypeError),
     ({"created": None}, TypeError)],
)
def test_update_refuses_bad_fields(accounts: Accounts, fields: dict, error: type) -> None:
    accounts.upsert_from_login("id-1", name="A", email="a@example.org")
    with pytest.raises(error):
        accounts.update("id-1", **fields)
    assert accounts.get("id-1").role == FREE


def test_update_of_a_missing_profile_raises(accounts: Accounts) -> None:
    with pytest.raises(NoSuchProfile):
        accounts.update("nobody", name="X")


def test_the_database_refuses_an_unknown_role(accounts: Accounts) -> None:
    insert = text(
        "INSERT INTO profiles (identity_id, role, created, updated) "
        "VALUES ('x', 'admin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with pytest.raises(IntegrityError), accounts.engine.begin() as conn:
        conn.execute(insert)


def test_profiles_are_usable_after_the_session_closes(accounts: Accounts) -> None:
    profile = accounts.upsert_from_login("id-1", name="Ada", email="a@example.org")
    accounts.dispose()
    assert (profile.name, profile.is_premium) == ("Ada", False)


@pytest.mark.parametrize(("role", "expected"), [(FREE, 1000), (PREMIUM, 5000), (None, 1000)])
def test_max_upload_bytes_by_role(
    accounts: Accounts, tmp_path: Path, role: str | None, expected: int
) -> None:
    settings = load_settings({
        "GAS_ENV": "dev", "GAS_DATA_DIR": str(tmp_path),
        "FREE_USER_MAX_UPLOAD_BYTES": "1000", "PREMIUM_USER_MAX_UPLOAD_BYTES": "5000",
    })
    profile = None
    if role:
        accounts.upsert_from_login("id-1", name="A", email="a@example.org")
        profile = accounts.set_role("id-1", role)
    assert accounts.max_upload_bytes(profile, settings) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_engine_url_picks_psycopg3(given: str, expected: str) -> None:
    assert engine_url(given) == expected
