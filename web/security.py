"""Cookie flags, the Content-Security-Policy header, and trust of proxy headers."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from gas import aws
from gas.config import Settings

TRUSTED_PROXIES_ENV = "GAS_TRUSTED_PROXIES"  # number of proxy hops in front (ALB: 1)


def cookie_config(settings: Settings) -> dict:
    """Session cookie flags; Secure only over HTTPS (the local stack is plain HTTP on loopback)."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",  # Lax: the sign-in callback is a top-level GET
        "SESSION_COOKIE_SECURE": settings.base_url.startswith("https://"),
        "SESSION_COOKIE_NAME": "gas_session",
    }


def upload_origin(settings: Settings) -> str:
    """Scheme and host the browser uploads to (S3 or the emulator), for form-action/connect-src."""
    url = aws.client("s3", settings).generate_presigned_post(settings.inputs_bucket, "probe")["url"]
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(upload: str) -> str:
    """Only this site's own scripts, styles and requests, plus uploads to S3."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap draws form controls with data: SVGs
        f"connect-src 'self' {upload}",
        f"form-action 'self' {upload}",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ])


def trusted_proxy_hops(environ: dict | None = None) -> int:
    """How many proxies' X-Forwarded-* headers to trust (0 = none, the default)."""
    raw = (environ if environ is not None else os.environ).get(TRUSTED_PROXIES_ENV, "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > 10:
        raise ValueError(f"{TRUSTED_PROXIES_ENV}={raw!r} must be a whole number of hops, 0-10")
    return int(raw)


def install_security(app: Flask) -> None:
    """Add the security headers to every response and trust proxies only as configured."""
    policy: list[str] = []  # computed at the first response: start-up needs no AWS credentials

    @app.after_request
    def security_headers(response: Response) -> Response:
        if not policy:
            policy.append(content_security_policy(upload_origin(app.config["GAS_SETTINGS"])))
        response.headers.setdefault("Content-Security-Policy", policy[0])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    hops = app.config.get("GAS_TRUSTED_PROXIES", trusted_proxy_hops())
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
