"""Sending e-mail through SES: one message with an HTML and a plain-text part."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import formataddr

from gas import aws
from gas.config import Settings

log = logging.getLogger(__name__)
CHARSET = "UTF-8"
MAIL_PATH = "/gas-dev/mail.json"  # where the local emulator lists sent mail


@dataclass(frozen=True)
class Mail:
    """One e-mail to one person."""

    to_address: str
    to_name: str | None
    subject: str
    text: str
    html: str


def recipient(mail: Mail) -> str:
    """The To header value: "Name <address>", the name RFC 2047-encoded when not ASCII."""
    return formataddr((mail.to_name or "", mail.to_address), charset="utf-8")


def send(settings: Settings, mail: Mail) -> str:
    """Send `mail` from the configured sender; return the SES message id.

    Raises botocore's ClientError when SES refuses it (then it was not sent).
    """
    response = aws.client("ses", settings).send_email(
        Source=settings.mail_sender,
        Destination={"ToAddresses": [recipient(mail)]},
        Message={
            "Subject": {"Data": mail.subject, "Charset": CHARSET},
            "Body": {
                "Text": {"Data": mail.text, "Charset": CHARSET},
                "Html": {"Data": mail.html, "Charset": CHARSET},
            },
        },
    )
    if settings.aws_endpoint_url:
        log.info("mail to %s sent; read it at %s%s", mail.to_address,
                 settings.aws_endpoint_url.rstrip("/"), MAIL_PATH)
    return response["MessageId"]
