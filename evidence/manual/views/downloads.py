"""Serving stored files: always an attachment, never sniffed or rendered inline."""

from __future__ import annotations

from django.http import FileResponse

from evidence.manual.models import StoredFile

# Anything textual goes out as plain text: even a file that slipped through is never HTML.
SAFE_TYPES = {"text/csv", "text/plain", "application/json"}


def stored_file_response(stored_file: StoredFile, filename: str) -> FileResponse:
    content_type = stored_file.content_type
    if content_type.startswith("text/") or content_type in SAFE_TYPES:
        content_type = "text/plain; charset=utf-8" if content_type != "text/csv" else "text/csv"
    response = FileResponse(
        stored_file.file.open("rb"),
        as_attachment=True,
        filename=filename or stored_file.sha256,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
