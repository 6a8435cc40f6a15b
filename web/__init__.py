"""The GAS web app: Globus sign-in, direct uploads to S3, job pages with charts, JSON API v1."""

from typing import Any

from flask import Flask

from gas.config import Settings, load_settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` may carry `GAS_SETTINGS` (a Settings) and Flask overrides."""
    app = Flask(__name__)
    config = dict(test_config or {})
    settings = config.pop("GAS_SETTINGS", None) or load_settings()
    configure(app, settings, config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    return app


def configure(app: Flask, settings: Settings, overrides: dict[str, Any]) -> None:
    """Flask settings derived from the GAS settings, then the caller's overrides."""
    from web.security import cookie_config

    app.config.from_mapping(
        GAS_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        BOOTSTRAP_SERVE_LOCAL=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=64 * 1024,  # uploads go to S3, never through the app
        GAS_MIGRATE=True,
        **cookie_config(settings),
    )
    app.config.update(overrides)


def register_extensions(app: Flask) -> None:
    """Bootstrap, CSRF, the accounts database, sessions in it, security headers, proxy trust."""
    from gas.accounts import Accounts
    from gas.web_sessions import SessionStore
    from web.extensions import bootstrap, csrf
    from web.json_provider import BoundedJSONProvider
    from web.security import install_security
    from web.sessions import DatabaseSessionInterface
    from web.templating import install_filters

    app.json = BoundedJSONProvider(app)
    bootstrap.init_app(app)
    install_filters(app)
    csrf.init_app(app)
    accounts = Accounts(app.config["GAS_SETTINGS"].database_url)
    if app.config["GAS_MIGRATE"]:
        accounts.migrate()
    app.extensions["gas_accounts"] = accounts
    app.session_interface = DatabaseSessionInterface(SessionStore(accounts))
    install_security(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per area."""
    from web import annotations, api, auth, home, profile, subscribe, tokens

    for module in (home, auth, profile, tokens, annotations, api, subscribe):
        app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    """One error page for every HTTP error and CSRF failure (JSON under /api)."""
    from web.errors import install_error_handlers

    install_error_handlers(app)
