"""Loopback-only networking helpers for the local stack."""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """True if `host` is a loopback address (127.0.0.0/8, ::1) or `localhost`."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_loopback(host: str) -> None:
    """Raise ValueError unless `host` is loopback: the dev services have no real security."""
    if not is_loopback(host):
        raise ValueError(
            f"refusing to listen on {host!r}: the development services bind to loopback only "
            "(use 127.0.0.1)"
        )


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def answers(url: str, timeout: float = 1.0) -> bool:
    """True if an HTTP server answers `url` with any status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, with an error status
    except (urllib.error.URLError, OSError):
        return False


def wait_until_up(url: str, timeout: float = 30.0, interval: float = 0.1) -> None:
    """Poll `url` until an HTTP server answers; raise TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not answers(url):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(interval)
