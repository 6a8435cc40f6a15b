"""State of the development identity provider: its signing key and the codes and tokens it issued.

Everything lives in the state directory, so a restart of the provider keeps sessions valid: the
key signs the same way and issued refresh/access tokens still introspect as active.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_FILE_NAME = "idp-signing-key.pem"
TOKENS_FILE_NAME = "idp-tokens.json"
CODE_LIFETIME_SECONDS = 600
ACCESS_TOKEN_LIFETIME_SECONDS = 172800  # what Globus Auth issues: 48 hours


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, readable by the owner only."""
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def load_signing_key(state_dir: Path) -> rsa.RSAPrivateKey:
    """Load the RSA signing key, creating it on first use."""
    path = state_dir / KEY_FILE_NAME
    if not path.is_file():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_private(path, pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return loaded


def key_id(key: rsa.RSAPrivateKey) -> str:
    """A stable id for the key (a digest of its public part), used as the JWT `kid`."""
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(public).hexdigest()[:16]


class TokenStore:
    """Authorization codes and tokens, saved to a JSON file after every change."""

    def __init__(self, state_dir: Path) -> None:
        self._path = state_dir / TOKENS_FILE_NAME
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, dict[str, Any]]] = {"codes": {}, "tokens": {}}
        if self._path.is_file():
            self._data = json.loads(self._path.read_text())

    def _save(self) -> None:
        """Drop expired entries and write the file (called with the lock held)."""
        now = time.time()
        for table in self._data.values():
            for key in [k for k, v in table.items() if v.get("exp") and v["exp"] < now]:
                del table[key]
        _write_private(self._path, json.dumps(self._data).encode())

    def new_code(self, grant: dict[str, Any]) -> str:
        """Store a sign-in as a single-use authorization code and return the code."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._data["codes"][code] = {**grant, "exp": time.time() + CODE_LIFETIME_SECONDS}
            self._save()
        return code

    def take_code(self, code: str) -> dict[str, Any] | None:
        """Remove and return an unexpired code's grant (None if unknown or expired)."""
        with self._lock:
            grant = self._data["codes"].pop(code, None)
            self._save()
        if grant is None or grant["exp"] < time.time():
            return None
        return grant

    def issue(self, grant: dict[str, Any], with_refresh: bool) -> dict[str, Any]:
        """Issue an access token (and a refresh token if asked) for a grant; return both."""
        now = time.time()
        access = secrets.token_urlsafe(32)
        issued: dict[str, Any] = {"access_token": access}
        with self._lock:
            if with_refresh:
                refresh = grant.get("refresh_token") or secrets.token_urlsafe(48)
                self._data["tokens"][refresh] = {**_identity(grant), "kind": "refresh",
                                                 "iat": now, "exp": None}
                issued["refresh_token"] = refresh
            self._data["tokens"][access] = {
                **_identity(grant), "kind": "access", "iat": now,
                "exp": now + ACCESS_TOKEN_LIFETIME_SECONDS,
                "refresh_token": issued.get("refresh_token"),
            }
            self._save()
        return issued

    def lookup(self, token: str, kind: str | None = None) -> dict[str, Any] | None:
        """Return an active token's record (optionally only of `kind`), else None."""
        with self._lock:
            record = self._data["tokens"].get(token)
        if record is None or (record["exp"] and record["exp"] < time.time()):
            return None
        if kind is not None and record["kind"] != kind:
            return None
        return record

    def revoke(self, token: str) -> None:
        """Revoke a token; revoking a refresh token also revokes the access tokens it issued."""
        with self._lock:
            record = self._data["tokens"].pop(token, None)
            if record is not None and record["kind"] == "refresh":
                tokens = self._data["tokens"]
                for key in [k for k, v in tokens.items() if v.get("refresh_token") == token]:
                    del tokens[key]
            self._save()


def _identity(grant: dict[str, Any]) -> dict[str, Any]:
    """The identity and client fields a token record keeps from its grant."""
    keys = ("sub", "email", "name", "organization", "scope", "client_id")
    return {key: grant.get(key) for key in keys}
