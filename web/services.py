"""The app's shared objects for views: settings, accounts and the job store."""

from __future__ import annotations

from flask import current_app

from gas.accounts import Accounts
from gas.config import Settings
from gas.jobs import JobStore


def settings() -> Settings:
    """This deployment's settings."""
    return current_app.config["GAS_SETTINGS"]


def accounts() -> Accounts:
    """The accounts database."""
    return current_app.extensions["gas_accounts"]


def job_store() -> JobStore:
    """The job store (cheap: the AWS client underneath is cached)."""
    return JobStore(settings())
