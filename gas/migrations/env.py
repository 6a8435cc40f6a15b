"""Alembic environment: runs on the connection `Accounts.migrate()` hands over (online only)."""

from alembic import context
from sqlalchemy import create_engine

from gas.accounts import Base, engine_url

config = context.config


def run_on(connection) -> None:
    """Run the pending migrations on one connection."""
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    """Use the caller's connection, or (alembic CLI) connect to sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = create_engine(engine_url(config.get_main_option("sqlalchemy.url")))
    with engine.begin() as own_connection:
        run_on(own_connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run Accounts.migrate()")
run_migrations()
