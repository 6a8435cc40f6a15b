"""The emulator's outbox as JSON: `GET /gas-dev/mail.json` lists every e-mail SES accepted.

moto's own `/moto-api/data.json` also lists sent mail, but it answers 500 once any multipart
upload has happened (moto 5.2.5 fails serialising the upload's parts), and every large input
file is a multipart upload. This reads the SES backend directly instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from moto.ses.models import ses_backends

from gas.mailer import MAIL_PATH

FIELDS = ("id", "source", "subject", "body", "destinations", "raw_data")


def sent_mail() -> list[dict]:
    """Every message SES accepted, in every account and region, oldest first per region."""
    found = []
    for account_id, regions in ses_backends.items():
        for region, backend in regions.items():
            for message in backend.sent_messages:
                record = {f: getattr(message, f) for f in FIELDS if hasattr(message, f)}
                found.append({"account_id": account_id, "region": region, **record})
    return found


def with_mailbox(app: Callable) -> Callable:
    """Wrap a WSGI app so that MAIL_PATH answers with the outbox."""

    def mailbox_app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != MAIL_PATH or environ.get("REQUEST_METHOD") != "GET":
            return app(environ, start_response)
        body = json.dumps({"messages": sent_mail()}).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [body]

    return mailbox_app
