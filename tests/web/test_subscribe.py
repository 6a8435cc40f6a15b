"""Upgrade to Premium (role, then one restore request; idempotent) and back to Free."""

from __future__ import annotations

import time

from gas.accounts import FREE, PREMIUM
from gas.messages import RestoreRequest


def test_upgrade_sets_premium_then_requests_restores(client, auth, accounts, csrf, drain):
    identity_id = auth.login()
    before = int(time.time())
    response = client.post("/subscribe", data={"csrf_token": csrf("/subscribe"), "confirm": "yes"})
    assert response.status_code == 302
    assert accounts.get(identity_id).role == PREMIUM
    messages = drain("restore")
    assert len(messages) == 1 and isinstance(messages[0], RestoreRequest)
    assert messages[0].user_id == identity_id and messages[0].requested_at >= before
    assert 'id="plan">Premium' in client.get("/subscribe").get_data(as_text=True)


def test_upgrading_twice_requests_restores_once(client, auth, accounts, csrf, drain):
    identity_id = auth.login()
    client.post("/subscribe", data={"csrf_token": csrf("/subscribe"), "confirm": "yes"})
    again = client.post("/subscribe", data={"csrf_token": csrf("/subscribe"), "confirm": "yes"})
    assert again.status_code == 200 and 'id="plan">Premium' in again.get_data(as_text=True)
    assert accounts.get(identity_id).role == PREMIUM
    assert len(drain("restore")) == 1


def test_premium_user_sees_the_way_back_to_free(client, auth, accounts, csrf, drain):
    identity_id = auth.login(role=PREMIUM)
    page = client.get("/subscribe").get_data(as_text=True)
    assert 'action="/unsubscribe"' in page
    response = client.post("/unsubscribe",
                           data={"csrf_token": csrf("/subscribe"), "confirm": "yes"})
    assert response.status_code == 302 and accounts.get(identity_id).role == FREE
    assert drain("restore") == []


def test_upgrade_raises_the_upload_limit(client, auth, csrf):
    auth.login()
    assert 'data-max-bytes="153600"' in client.get("/annotate").get_data(as_text=True)
    client.post("/subscribe", data={"csrf_token": csrf("/subscribe"), "confirm": "yes"})
    assert f'data-max-bytes="{5 * 2**30}"' in client.get("/annotate").get_data(as_text=True)


def test_a_failed_restore_request_leaves_the_user_free(client, auth, accounts, csrf, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    identity_id = auth.login()
    token = csrf("/subscribe")

    def unreachable(settings, message):
        raise EndpointConnectionError(endpoint_url="http://sns")

    monkeypatch.setattr("gas.roles.publish", unreachable)
    response = client.post("/subscribe", data={"csrf_token": token, "confirm": "yes"})
    assert response.status_code == 503 and "try again" in response.get_data(as_text=True)
    assert accounts.get(identity_id).role == FREE
