"""Alembic migrations of the accounts database (run by `gas.accounts.Accounts.migrate`)."""
