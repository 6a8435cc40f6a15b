"""Flask's JSON provider, except that a body nested past Python's recursion limit is bad input.

`json.loads` raises RecursionError there, which `request.get_json` does not treat as a parse
error: the view crashed with a 500. As a ValueError it is a 400 like any other malformed body.
"""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class BoundedJSONProvider(DefaultJSONProvider):
    """Parses as Flask does; too-deep nesting raises ValueError (so a 400), not RecursionError."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON text."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None
