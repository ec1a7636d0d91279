"""Refuse uploads whose file name carries a path or NUL, instead of silently trimming it.

Django's multipart parser drops directory parts and unprintable characters from a file name
before any view sees it, so ``../../etc/passwd`` would arrive as ``passwd``. For the upload
endpoints this middleware parses the body itself (before CSRF reads it) with a parser that also
notes every such name in ``request.unsafe_upload_names``; the views and the API refuse the
upload with a message when it is not empty.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.datastructures import MultiValueDict

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


class UploadNameMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.unsafe_upload_names = []  # type: ignore[attr-defined]
        if (
            request.method == "POST"
            and request.content_type == "multipart/form-data"
            and request.path.startswith(UPLOAD_PATHS)
        ):
            parser = NoteUnsafeNamesParser(
                request.META, request, request.upload_handlers, request.encoding
            )
            try:
                request._post, request._files = parser.parse()  # type: ignore[attr-defined]
            except MultiPartParserError:
                request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
            request.unsafe_upload_names = parser.unsafe_names  # type: ignore[attr-defined]
        return self.get_response(request)
