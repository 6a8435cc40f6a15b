"""Finding what a command names: the accounts database (never created by a read) and a user."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from gas.accounts import Accounts, Profile, engine_url
from gas.cli.errors import CliError
from gas.config import Settings
from gas.keys import is_uuid


def open_accounts(settings: Settings, create: bool = False) -> Accounts:
    """The accounts database; unless `create`, a missing SQLite file is an error, not made."""
    url = make_url(engine_url(settings.database_url))
    path = url.database if url.get_backend_name() == "sqlite" else None
    if not create and path and path != ":memory:" and not Path(path).is_file():
        raise CliError(f"no accounts database at {path} (is GAS_DATA_DIR right? `gas init` "
                       "creates it)")
    accounts = Accounts(settings.database_url)
    if create:
        accounts.migrate()
    return accounts


def find_user(accounts: Accounts, who: str) -> Profile:
    """The profile named by an e-mail address or an identity id; CliError if not exactly one."""
    if is_uuid(who):
        profile = accounts.get(who)
        if profile is None:
            raise CliError(f"no user with identity id {who}")
        return profile
    found = accounts.find_by_email(who)
    if not found:
        raise CliError(f"no user with e-mail address {who}")
    if len(found) > 1:
        ids = ", ".join(profile.identity_id for profile in found)
        raise CliError(f"{len(found)} users have e-mail address {who} ({ids}); name one by its "
                       "identity id")
    return found[0]
