"""Refuse uploads whose file name carries a path or NUL, instead of silently trimming it, and
bodies far over the upload limit before they are written to a temporary file.

Django's multipart parser drops directory parts and unprintable characters from a file name
before any view sees it, so ``../../etc/passwd`` would arrive as ``passwd``. For the upload
endpoints this middleware parses the body itself (before CSRF reads it) with a parser that also
notes every such name; ``request.upload_problem`` then says why the upload is refused (empty:
nothing wrong), and the views and the API show it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.datastructures import MultiValueDict

from evidence.manual.services.files import size_text

UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")
UPLOAD_PATHS = ("/manual/", "/api/v1/evidence-submissions/", "/api/v1/provider-attestations/")
UNSAFE_NAME_MESSAGE = "The file name must not contain a path, NUL or control characters."


class NoteUnsafeNamesParser(MultiPartParser):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.unsafe_names: list[str] = []

    def sanitize_file_name(self, file_name: str) -> str | None:
        if (
            UNSAFE.search(file_name)
            or UNSAFE.search(html.unescape(file_name))
            or file_name.strip() in {".", ".."}
        ):
            self.unsafe_names.append(file_name)
        return super().sanitize_file_name(file_name)


class UploadLimit(FileUploadHandler):
    """Drops a file as soon as it passes the limit, so it is never written to a temporary file;
    the form fields (and the CSRF token) are still read."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class UploadNameMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.upload_problem = ""  # type: ignore[attr-defined]
        if (
            request.method == "POST"
            and request.content_type == "multipart/form-data"
            and request.path.startswith(UPLOAD_PATHS)
        ):
            request.upload_problem = self._parse(request)  # type: ignore[attr-defined]
        return self.get_response(request)

    def _parse(self, request: HttpRequest) -> str:
        limit = settings.GRC_MANUAL_MAX_UPLOAD_BYTES
        size_check = UploadLimit(request, limit)
        handlers = [size_check, *request.upload_handlers]
        parser = NoteUnsafeNamesParser(request.META, request, handlers, request.encoding)
        try:
            request._post, request._files = parser.parse()  # type: ignore[attr-defined]
        except MultiPartParserError:
            request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
            return "The upload could not be read."
        if size_check.too_large:
            return f"The file is larger than the limit of {size_text(limit)}."
        return UNSAFE_NAME_MESSAGE if parser.unsafe_names else ""
