"""Error pages: one `render_error` for every HTTP error and CSRF failure; JSON under /api."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from gas.jobs import InvalidPageToken

log = logging.getLogger(__name__)

TITLES = {
    400: "Bad request", 401: "Sign-in required", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 413: "Request too large", 500: "Something went wrong",
    503: "Try again shortly",
}


def render_error(code: int, message: str):
    """The error page (or JSON body for the API) for one status code."""
    if request.path.startswith("/api/"):
        return jsonify({"error": TITLES.get(code, "Error"), "message": message}), code
    title = TITLES.get(code, "Error")
    return render_template("error.html", code=code, title=title, message=message), code


def handle_http_error(exc: HTTPException):
    """Any abort()/routing error becomes our page."""
    return render_error(exc.code or 500, exc.description or "")


def handle_csrf_error(exc: CSRFError):
    """A form posted without a valid token (expired session, or not from our page)."""
    message = "The form has expired or did not come from this site. Reload the page and try again."
    return render_error(400, message)


def handle_invalid_page_token(exc: InvalidPageToken):
    """A `?page=` link GAS did not make for this user (edited, truncated, or someone else's)."""
    return render_error(400, "This page link is not valid. Start again from the first page.")


def handle_unexpected(exc: Exception):
    """Log the traceback; show the user a plain 500 page, never the traceback."""
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render_error(500, InternalServerError.description)


def install_error_handlers(app: Flask) -> None:
    """Register the handlers on the app."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InvalidPageToken, handle_invalid_page_token)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
