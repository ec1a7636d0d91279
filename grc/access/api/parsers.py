"""Request body parsers: JSON with a nesting limit (see grc.access.jsonlimits)."""

from __future__ import annotations

import codecs
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json

from grc.access.api.exceptions import PayloadTooLarge
from grc.access.jsonlimits import JsonTooDeep, json_loads_limited


class DepthLimitedJSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing (400) documents nested deeper than GRC_JSON_MAX_DEPTH."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        constant = drf_json.strict_constant if self.strict else None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            raw = stream.read(limit + 1) if limit is not None else stream.read()
            if limit is not None and len(raw) > limit:
                raise PayloadTooLarge()
            text = codecs.decode(raw, encoding)
            return json_loads_limited(text, parse_constant=constant)
        except (JsonTooDeep, ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
