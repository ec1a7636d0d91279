"""JSON parsing with a nesting limit, for request bodies and form fields alike.

Python's ``json`` module recurses once per level of nesting, so a body of a thousand ``[`` ends
in RecursionError (a 500). The depth is measured first, without recursion: strings are removed,
then the brackets that remain are counted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]")


class JsonTooDeep(ValueError):
    """The document nests arrays and objects deeper than allowed."""


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (0 for a scalar)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def max_depth() -> int:
    return int(getattr(settings, "GRC_JSON_MAX_DEPTH", 32))


def json_loads_limited(text: str, limit: int | None = None, **kwargs: Any) -> Any:
    """``json.loads`` that raises JsonTooDeep instead of recursing past ``limit`` levels."""
    limit = max_depth() if limit is None else limit
    if json_depth(text) > limit:
        raise JsonTooDeep(f"JSON nested deeper than {limit} levels.")
    return json.loads(text, **kwargs)
