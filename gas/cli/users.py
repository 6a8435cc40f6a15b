"""`gas user role WHO free|premium`: change a user's plan as the web's Upgrade button does."""

from __future__ import annotations

import argparse

from gas.accounts import FREE, PREMIUM
from gas.cli.errors import CliError
from gas.cli.lookup import find_user, open_accounts
from gas.config import Settings
from gas.roles import RestoreRequestFailed, change_role

PLANS = {"free": FREE, "premium": PREMIUM}


def _plan(role: str) -> str:
    """The plan name a role is shown as."""
    return next(plan for plan, value in PLANS.items() if value == role)


def set_role(settings: Settings, args: argparse.Namespace) -> int:
    """Make a user Free or Premium; an upgrade asks for their archived results back."""
    accounts = open_accounts(settings)
    profile = find_user(accounts, args.who)
    before = profile.role
    try:
        after = change_role(settings, accounts, profile.identity_id, PLANS[args.plan]).role
    except RestoreRequestFailed as exc:
        raise CliError(f"{profile.email}: not upgraded, {exc}") from None
    who = f"{profile.email or '(no e-mail)'} ({profile.identity_id})"
    if before == after:
        print(f"{who} is {_plan(after)} already; nothing changed")
    elif after == PREMIUM:
        print(f"{who}: free → premium; restore of archived results requested")
    else:
        print(f"{who}: premium → free; new results follow the Free retention window")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `gas user ...` to `gas`."""
    user = commands.add_parser("user", help="users' plans").add_subparsers(
        dest="user_command", required=True)
    command = user.add_parser("role", help="make a user free or premium")
    command.add_argument("who", help="the user's e-mail address or identity id")
    command.add_argument("plan", choices=sorted(PLANS))
    command.set_defaults(func=set_role)
