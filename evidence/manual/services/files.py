"""Uploaded files: checked (name, size, type from the content), stored once under their SHA-256.

The type comes from the bytes, never from the name or the browser's Content-Type: PDF, PNG,
JPEG, GIF, WebP, XLSX and DOCX by their signatures; CSV, TXT and JSON only when the content is
UTF-8 text without NUL bytes and does not look like HTML. Anything else (HTML, an executable
renamed ``.pdf``, a ZIP) is refused. A file already stored is linked, not written again.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from evidence.manual.models import StoredFile

CHUNK = 1 << 16
TEXT_SNIFF_BYTES = 1 << 20
MAX_NAME = 200
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
OOXML = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HTML_START = re.compile(rb"^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe)", re.I)
# Extensions a stored file gets for its detected type (the name a download carries).
EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
    OOXML["word/document.xml"]: {".docx"},
    OOXML["xl/workbook.xml"]: {".xlsx"},
    "text/csv": {".csv"},
    "application/json": {".json"},
    "text/plain": {".txt", ".csv", ".json", ".md", ".log"},
}


@dataclass(frozen=True)
class StoredUpload:
    stored_file: StoredFile
    filename: str
    linked: bool  # True: the same bytes were already stored, this upload only links to them


def filename_clean(name: str) -> str:
    """The upload's own name, refused if it carries a path, NUL or control characters."""
    if not name or not name.strip():
        raise ValidationError({"file": "The file has no name."})
    if "\x00" in name or any(ord(char) < 32 for char in name):
        raise ValidationError({"file": "The file name contains NUL or control characters."})
    if "/" in name or "\\" in name or name.strip() in (".", "..") or name.startswith(".."):
        raise ValidationError({"file": "The file name must not contain a path."})
    if len(name) > MAX_NAME:
        raise ValidationError({"file": f"The file name is longer than {MAX_NAME} characters."})
    return name.strip()


def _text_type(head: bytes, name: str) -> str | None:
    if b"\x00" in head or HTML_START.match(head):
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut by the sniff window is fine
            return None
        text = head[: exc.start].decode("utf-8")
    lower = name.lower()
    if lower.endswith(".json"):
        try:
            json.loads(text)
        except ValueError:
            return None
        return "application/json"
    if lower.endswith(".csv"):
        return "text/csv"
    return "text/plain"


def content_type_detect(handle: IO[bytes], name: str) -> str | None:
    """The allowed type the content is, or None (refused)."""
    handle.seek(0)
    head = handle.read(TEXT_SNIFF_BYTES)
    handle.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            handle.seek(0)
        return next((kind for member, kind in OOXML.items() if member in names), None)
    return _text_type(head, name)


def _digest(handle: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def size_text(size: int) -> str:
    return f"{size} bytes" + (f" ({size / (1 << 20):.0f} MB)" if size >= 1 << 20 else "")


def upload_check(upload: File) -> tuple[str, str]:
    """Validate an upload without storing anything: (clean filename, detected content type)."""
    name = filename_clean(getattr(upload, "name", "") or "")
    limit = settings.GRC_MANUAL_MAX_UPLOAD_BYTES
    size = upload.size
    if not size:
        raise ValidationError({"file": "The file is empty."})
    if size > limit:
        raise ValidationError(
            {"file": f"The file is {size} bytes; the limit is {size_text(limit)}."}
        )
    content_type = content_type_detect(upload, name)
    if content_type is None:
        raise ValidationError(
            {
                "file": "This type of file is not accepted (from its content). Upload PDF, "
                "PNG, JPEG, GIF, WebP, CSV, XLSX, DOCX, TXT or JSON."
            }
        )
    return name, content_type


def stored_file_put(*, upload: File) -> StoredUpload:
    """Store an upload under its SHA-256, or link to the copy already stored."""
    name, content_type = upload_check(upload)
    sha256, size = _digest(upload)
    existing = StoredFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return StoredUpload(existing, name, linked=True)
    path = f"manual/{sha256[:2]}/{sha256}"
    if not default_storage.exists(path):
        saved = default_storage.save(path, File(upload, name=sha256))
        if saved != path:  # a storage that renamed it: keep the one content-addressed copy
            default_storage.delete(saved)
            raise ValidationError({"file": "The file could not be stored; try again."})
    try:
        with transaction.atomic():
            stored = StoredFile.objects.create(
                sha256=sha256, size=size, content_type=content_type, file=path
            )
    except IntegrityError:  # the same bytes stored by a concurrent upload
        return StoredUpload(StoredFile.objects.get(sha256=sha256), name, linked=True)
    return StoredUpload(stored, name, linked=False)
