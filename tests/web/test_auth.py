"""Sign-in, first-sign-in profile completion and sign-out, through the real globus-sdk calls
against the development identity provider (served from a thread)."""

from __future__ import annotations

import pytest

from gas.accounts import FREE
from gas.identity import identity_id_for_email


def test_first_sign_in_with_missing_details_goes_to_profile_edit(client, auth, idp, accounts):
    response = auth.login_through_idp("grace@example.org", name="Grace Hopper")
    assert response.status_code == 302 and response.location == "/profile/edit"
    profile = accounts.get(identity_id_for_email("grace@example.org"))
    assert (profile.name, profile.email, profile.institution, profile.role) == (
        "Grace Hopper", "grace@example.org", None, FREE)
    with client.session_transaction() as session:
        assert session["user"]["identity_id"] == profile.identity_id
        assert session["tokens"]


def test_sign_in_with_complete_details_goes_to_the_job_list(client, auth, idp):
    response = auth.login_through_idp("ada@example.org", name="Ada", institution="Analytical")
    assert response.location == "/annotations"
    assert client.get("/annotations").status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client, auth, idp):
    assert client.get("/subscribe").location == "/login?next=/subscribe"
    start = client.get("/login?next=/subscribe")
    assert start.status_code == 302
    with client.session_transaction() as session:
        assert session["next"] == "/subscribe"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_off_site(client, idp, target):
    client.get("/login", query_string={"next": target})
    with client.session_transaction() as session:
        assert session["next"] is None


def test_callback_refuses_a_wrong_state(client, auth, idp, accounts):
    client.get("/login")
    response = client.get("/authcallback?code=anything&state=forged")
    assert response.status_code == 400
    assert "sign in again" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "user" not in session


def test_callback_without_a_started_sign_in_is_refused(client, idp):
    assert client.get("/authcallback?code=x&state=y").status_code == 400


def test_callback_with_a_bad_code_is_a_400_not_a_traceback(client, idp):
    client.get("/login")
    with client.session_transaction() as session:
        state = session["oauth_state"]
    response = client.get(f"/authcallback?code=not-a-code&state={state}")
    assert response.status_code == 400
    assert "could not be completed" in response.get_data(as_text=True)


def test_provider_error_is_shown(client, idp):
    client.get("/login")
    response = client.get("/authcallback?error=access_denied&error_description=user+said+no")
    assert response.status_code == 400 and "user said no" in response.get_data(as_text=True)


def test_sign_out_revokes_tokens_clears_the_session_and_leaves_via_the_provider(
    client, auth, idp, globus_client
):
    auth.login_through_idp("ada@example.org", name="Ada", institution="Analytical")
    with client.session_transaction() as session:
        tokens = list(session["tokens"])
    response = auth.logout()
    assert response.status_code == 302
    assert response.location.startswith(f"{idp}/v2/web/logout?redirect_uri=")
    with client.session_transaction() as session:
        assert "user" not in session
    assert [globus_client.oauth2_token_introspect(t)["active"] for t in tokens] == [False] * len(
        tokens)
    assert client.get("/annotations").status_code == 302  # signed out


def test_sign_out_needs_the_csrf_token(client, auth):
    auth.login()
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/annotations").status_code == 200  # still signed in


@pytest.mark.parametrize("path", ["/annotate", "/annotations", "/profile", "/subscribe",
                                  "/profile/edit"])
def test_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.location.startswith("/login?next=")
