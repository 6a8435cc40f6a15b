"""Stable identity ids for e-mail sign-ins (the development identity provider and `gas submit`)."""

import uuid

# A fixed namespace so the same e-mail always maps to the same identity id, in every process.
DEV_IDENTITY_NAMESPACE = uuid.UUID("6f1d7c52-8a3e-4c1b-9a57-2f0e3b9d4c11")


def identity_id_for_email(email: str) -> str:
    """Return the identity id the development provider issues for this e-mail address."""
    return str(uuid.uuid5(DEV_IDENTITY_NAMESPACE, email.strip().lower()))
