"""Changing a user's plan: the one path for the web's Upgrade button and `gas user role`.

An upgrade to Premium asks for the user's archived results back (a restore request), published
only once the role says Premium so the restore worker never sees a Free user. When the request
cannot be published the role goes back to Free, so that trying again asks again.
"""

from __future__ import annotations

import logging
import time

from botocore.exceptions import BotoCoreError, ClientError

from gas.accounts import FREE, PREMIUM, Accounts, NoSuchProfile, Profile
from gas.config import Settings
from gas.messages import RestoreRequest, publish

log = logging.getLogger(__name__)


class RestoreRequestFailed(RuntimeError):
    """The upgrade's restore request could not be published; the user is still Free."""


def change_role(settings: Settings, accounts: Accounts, identity_id: str, role: str) -> Profile:
    """Make the user Free or Premium (no-op when already so); NoSuchProfile if there is none."""
    profile = accounts.get(identity_id)
    if profile is None:
        raise NoSuchProfile(identity_id)
    if profile.role == role:
        return profile
    profile = accounts.set_role(identity_id, role)
    if role == PREMIUM:
        try:
            publish(settings, RestoreRequest(user_id=identity_id, requested_at=int(time.time())))
        except (BotoCoreError, ClientError) as exc:
            accounts.set_role(identity_id, FREE)
            raise RestoreRequestFailed(f"the restore request was not published: {exc}") from exc
    log.info("user %s is now %s", identity_id, role)
    return profile
