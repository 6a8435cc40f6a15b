"""Server-side sessions as a browser and an attacker see them (issue 11 finding 4): the cookie is
a random id and nothing else, sign-out ends the session everywhere, sign-in issues a new id."""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from web import create_app

COOKIE = "gas_session"
SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def _fresh_client_with(app, value: str):
    """Another browser replaying a saved cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


def _decoded_variants(value: str) -> list[bytes]:
    """What an attacker would try on a Flask cookie: base64 of each dot-part, zlib when it fits."""
    found = []
    for part in value.lstrip(".").split("."):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            continue
        found.append(raw)
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            pass
    return found


def test_the_cookie_is_a_random_id_that_carries_no_token(client, auth, idp):
    auth.login_through_idp("ada@example.org", name="Ada", institution="Analytical")
    value = _cookie(client)
    assert value and SESSION_ID_RE.match(value)
    with client.session_transaction() as session:
        tokens = session["tokens"]
    assert tokens
    for token in tokens:
        assert token not in value
        assert not any(token.encode() in raw for raw in _decoded_variants(value))


def test_a_cookie_saved_before_sign_out_no_longer_works(app, client, auth, idp):
    auth.login_through_idp("ada@example.org", name="Ada", institution="Analytical")
    saved = _cookie(client)
    assert _fresh_client_with(app, saved).get("/api/v1/jobs").status_code == 200
    assert auth.logout().status_code == 302
    replay = _fresh_client_with(app, saved)
    assert replay.get("/api/v1/jobs").status_code == 401
    assert replay.get("/annotations").status_code == 302
    assert replay.get("/profile").location.startswith("/login")


def test_the_globus_token_of_a_signed_out_session_is_no_bearer_token(client, auth, idp):
    auth.login_through_idp("ada@example.org", name="Ada", institution="Analytical")
    with client.session_transaction() as session:
        access = session["tokens"][0]
    headers = {"Authorization": f"Bearer {access}"}
    assert client.get("/api/v1/jobs", headers=headers).status_code == 200
    auth.logout()
    assert client.get("/api/v1/jobs", headers=headers).status_code == 401


def test_sign_in_issues_a_new_session_id(app, client, auth, idp):
    client.get("/login")  # an anonymous session (the OAuth state)
    planted = _cookie(client)
    assert planted
    auth.login_through_idp("ada@example.org", name="Ada", institution="Analytical")
    assert _cookie(client) != planted
    assert _fresh_client_with(app, planted).get("/annotations").status_code == 302


def test_the_database_holds_a_hash_of_the_id_not_the_id(client, auth, accounts):
    auth.login()
    value = _cookie(client)
    with accounts.engine.connect() as conn:
        rows = conn.execute(text("SELECT id_hash, data FROM web_sessions")).all()
    assert [row.id_hash for row in rows] == [hashlib.sha256(value.encode()).hexdigest()]
    assert value not in rows[0].data


def test_every_web_process_sees_the_same_sessions(web_settings, client, auth):
    auth.login()
    other_worker = create_app({"GAS_SETTINGS": web_settings, "TESTING": True}).test_client()
    other_worker.set_cookie(COOKIE, _cookie(client))
    assert other_worker.get("/annotations").status_code == 200
    other_worker.application.extensions["gas_accounts"].dispose()


@pytest.mark.parametrize("forged", ["A" * 43, "not-a-session", "", "x" * 4000])
def test_a_made_up_cookie_is_an_anonymous_visitor(app, forged):
    assert _fresh_client_with(app, forged).get("/annotations").status_code == 302


def test_an_ended_session_signs_nobody_in(client, auth, accounts):
    auth.login()
    past = datetime.now(UTC) - timedelta(seconds=1)
    with accounts.engine.begin() as conn:
        # SQLite keeps SQLAlchemy's DateTime as this text (in UTC)
        conn.execute(text("UPDATE web_sessions SET expires = :t"),
                     {"t": past.strftime("%Y-%m-%d %H:%M:%S.%f")})
    assert client.get("/annotations").status_code == 302


def test_anonymous_pages_without_forms_store_no_session(client, accounts):
    assert client.get("/").status_code == 200
    assert _cookie(client) is None
    with accounts.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM web_sessions")).scalar() == 0
