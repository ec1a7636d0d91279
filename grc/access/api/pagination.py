"""Page-number pagination for small collections; keyset cursors for results and events.

DRF's CursorPagination keys on one field plus an OFFSET capped at 1,000 rows. Every result of a
collection unit shares one ``collected_at`` (and every event of a run one ``occurred_at``), so a
unit with more than 1,000 results would page forever. Here the cursor is the (timestamp, id) of
the last row: each page is ``WHERE ts <= :ts AND (ts < :ts OR id < :id) ORDER BY ts DESC, id
DESC LIMIT n``, an index range scan at any depth, stable while new rows arrive.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.db.models import Model, Q, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_ID = 2**63 - 1


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page (at most 200)."
    max_page_size = 200


class KeysetCursorPagination(pagination.BasePagination):
    """Newest first by ``timestamp_field``, then by id; forward-only opaque cursors."""

    timestamp_field = "created_at"
    page_size = 100
    max_page_size = 500
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    invalid_cursor_message = "Invalid cursor: use the `next` link of a previous page."

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Model]:
        self.request = request
        size = self.get_page_size(request)
        field = self.timestamp_field
        queryset = queryset.order_by(f"-{field}", "-id")
        position = self.decode_cursor(request)
        if position is not None:
            timestamp, last_id = position
            queryset = queryset.filter(
                Q(**{f"{field}__lt": timestamp}) | Q(**{field: timestamp, "id__lt": last_id}),
                **{f"{field}__lte": timestamp},
            )
        rows = list(queryset[: size + 1])
        self.next_position = None
        if len(rows) > size:
            rows = rows[:size]
            self.next_position = (getattr(rows[-1], field), rows[-1].pk)
        return rows

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size

    def decode_cursor(self, request: Request) -> tuple[dt.datetime, int] | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            text = base64.urlsafe_b64decode(encoded.encode("ascii")).decode("ascii")
            raw_timestamp, raw_id = text.split("|")
            timestamp = dt.datetime.fromisoformat(raw_timestamp)
            last_id = int(raw_id)
            if timestamp.tzinfo is not None:  # Postgres refuses offsets beyond +-15:59
                timestamp = timestamp.astimezone(dt.UTC)
        except (ValueError, OverflowError, UnicodeError, binascii.Error):
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None
        if timestamp.tzinfo is None or not 0 < last_id <= MAX_ID:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return timestamp, last_id

    def encode_cursor(self, position: tuple[dt.datetime, int]) -> str:
        timestamp, last_id = position
        text = f"{timestamp.isoformat()}|{last_id}"
        return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii")

    def get_next_link(self) -> str | None:
        if self.next_position is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(
            url, self.cursor_query_param, self.encode_cursor(self.next_position)
        )

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next (older) page, or null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} (default "
                f"{self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class CheckResultCursorPagination(KeysetCursorPagination):
    timestamp_field = "collected_at"


class StatusEventCursorPagination(KeysetCursorPagination):
    timestamp_field = "occurred_at"
