"""vcfanno's reducing ops over the values a variant overlaps, and their header declarations."""

from __future__ import annotations

OPS = ("first", "uniq", "concat", "self", "flag", "count")
FLAG = b""  # the value of a set INFO flag: the key alone


def reduce(op: str, values: list[bytes]) -> bytes | None:
    """Reduce overlapping values to one INFO value; None when there is nothing to write."""
    if not values:
        return None
    if op == "first":
        return values[0]
    if op == "uniq":
        return b",".join(dict.fromkeys(values))
    if op in ("concat", "self"):
        return b",".join(values)
    if op == "flag":
        return FLAG
    return str(len(values)).encode()  # count


def info_item(name: bytes, value: bytes | None) -> bytes:
    """Return ';NAME=value' (or ';NAME' for a flag, b'' for no value) to append to INFO."""
    if value is None:
        return b""
    if value is FLAG or value == FLAG:
        return b";" + name
    return b";" + name + b"=" + value


def declaration(
    name: str, op: str, description: str, src_number: str = "1", src_type: str = "String",
    type_hint: str | None = None,
) -> str:
    """Return the ##INFO line for an added key, typed as vcfanno types it."""
    number, typ = ".", "String"
    if op == "flag" or type_hint == "Flag":
        number, typ = "0", "Flag"
    elif op == "count":
        number, typ = "1", "Integer"
    elif op in ("first", "self"):
        typ = src_type
        keeps = src_number == "1" or (op == "self" and src_number == "A")
        number = src_number if keeps else "."
        if typ == "Flag":
            number = "0"
    if type_hint in ("Integer", "Float") and op not in ("flag", "count"):
        typ = type_hint
    description = description.replace("\\", "\\\\").replace('"', '\\"')
    return f'##INFO=<ID={name},Number={number},Type={typ},Description="{description}">'
