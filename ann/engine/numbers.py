"""Number formatting as vcfanno writes values of Float and Integer source fields.

vcfanno parses typed INFO values and prints them again: floats as float32, with 5 significant
digits below 0.02 in magnitude and 4 decimals otherwise (trailing zeros dropped); integers
plainly; unparsable numbers as 0. Copying that keeps our values equal to vcfanno's.
"""

from __future__ import annotations

import struct

_FLOAT32 = struct.Struct("f")
_CACHE: dict[bytes, bytes] = {}
_CACHE_LIMIT = 200_000  # distinct values remembered; allele frequencies repeat a lot


def _float32(text: bytes) -> float:
    try:
        value = float(text)
    except ValueError:
        return 0.0
    try:
        return _FLOAT32.unpack(_FLOAT32.pack(value))[0]
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def format_float(text: bytes) -> bytes:
    """Return one Float value as vcfanno prints it."""
    value = _float32(text)
    if value != value:
        return b"NaN"
    if value in (float("inf"), float("-inf")):
        return b"+Inf" if value > 0 else b"-Inf"
    if value == 0:
        return b"0"
    if -0.02 < value < 0.02:
        out = "%.5g" % value  # noqa: UP031 - printf %g is the rule being copied
        if "e" in out:
            return out.encode()
    else:
        out = "%.4f" % value  # noqa: UP031
    return out.rstrip("0").rstrip(".").encode()


def format_int(text: bytes) -> bytes:
    """Return one Integer value as vcfanno prints it."""
    try:
        return str(int(text)).encode()
    except ValueError:
        return b"0"


def formatter(type_name: str):
    """Return a function reformatting a comma-separated value list of the type, or None."""
    one = {"Float": format_float, "Integer": format_int}.get(type_name)
    if one is None:
        return None

    def apply(value: bytes) -> bytes:
        cached = _CACHE.get(value)
        if cached is None:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            cached = _CACHE[value] = b",".join(one(v) for v in value.split(b","))
        return cached

    return apply
