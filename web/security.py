"""Cookie flags, the Content-Security-Policy header, caching of private answers, proxy trust."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from globus_sdk.config.environments import get_service_url
from werkzeug.middleware.proxy_fix import ProxyFix

from gas import aws
from gas.config import Settings

# Endpoints whose answers are the same for everyone (files shipped with the app).
PUBLIC_ENDPOINTS = ("static", "bootstrap.static", "home.favicon")


def cookie_config(settings: Settings) -> dict:
    """Session cookie flags; Secure only over HTTPS (the local stack is plain HTTP on loopback)."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",  # Lax: the sign-in callback is a top-level GET
        "SESSION_COOKIE_SECURE": settings.base_url.startswith("https://"),
        "SESSION_COOKIE_NAME": "gas_session",
    }


def _origin(url: str) -> str:
    """Scheme and host of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def upload_origin(settings: Settings) -> str:
    """Scheme and host the browser uploads to (S3 or the emulator), for form-action/connect-src."""
    post = aws.client("s3", settings).generate_presigned_post(settings.inputs_bucket, "probe")
    return _origin(post["url"])


def sign_in_origin() -> str:
    """Scheme and host of Globus Auth (or the development provider), where sign-out lands."""
    return _origin(get_service_url("auth"))


def content_security_policy(upload: str, sign_in: str) -> str:
    """Only this site's own scripts, styles and requests, plus uploads to S3.

    `form-action` also names the identity provider: Chromium applies it to the redirects that
    follow a form post, and the sign-out form ends on the provider's logout page.
    """
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap draws form controls with data: SVGs
        f"connect-src 'self' {upload}",
        f"form-action 'self' {upload} {sign_in}",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ])


def is_private() -> bool:
    """True for answers no cache may keep: a signed-in user's pages, the API, download links."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return False
    return g.get("user") is not None or request.path.startswith("/api/")


def install_security(app: Flask) -> None:
    """Add the security headers to every response and trust proxies only as configured."""
    policy: list[str] = []  # computed at the first response: start-up needs no AWS credentials

    @app.after_request
    def security_headers(response: Response) -> Response:
        if not policy:
            upload = upload_origin(app.config["GAS_SETTINGS"])
            policy.append(content_security_policy(upload, sign_in_origin()))
        response.headers.setdefault("Content-Security-Policy", policy[0])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if is_private():
            # A shared or browser cache must not keep them: back-button after sign-out, proxies.
            response.headers["Cache-Control"] = "no-store"
        return response

    hops = app.config["GAS_SETTINGS"].trusted_proxies
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
