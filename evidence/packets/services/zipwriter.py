"""A ZIP written entry by entry to disk, hashing each entry as it is written, and safe CSV.

Only one entry is open at a time (a ``zipfile`` rule); each entry's SHA-256 and size are taken
from the bytes as they go in, so nothing is read back or held whole in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from grc.access.exports import csv_cell

FLUSH_BYTES = 1 << 16


class HashingEntry:
    """A file-like sink for one ZIP entry: text or bytes in, buffered, hashed and counted."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._buffer: list[bytes] = []
        self._buffered = 0
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: str | bytes) -> int:
        chunk = data.encode() if isinstance(data, str) else data
        self._buffer.append(chunk)
        self._buffered += len(chunk)
        if self._buffered >= FLUSH_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if not self._buffer:
            return
        chunk = b"".join(self._buffer)
        self._buffer.clear()
        self._buffered = 0
        self.sha256.update(chunk)
        self.size += len(chunk)
        self._stream.write(chunk)

    def csv_rows(self, rows: Iterable[Iterable[Any]]) -> int:
        """Write the rows; returns how many (the header included)."""
        writer = csv.writer(self)
        count = 0
        for count, row in enumerate(rows, start=1):  # noqa: B007
            writer.writerow([csv_cell(value) for value in row])
        return count


class PacketZipWriter:
    """Writes entries into a ZIP_DEFLATED archive and records ``{path, sha256, size}`` for each."""

    def __init__(self, path: Path, *, timestamp: dt.datetime) -> None:
        self.archive = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.files: list[dict[str, Any]] = []
        self._date_time = timestamp.timetuple()[:6]

    def __enter__(self) -> PacketZipWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.archive.close()

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    @contextmanager
    def entry(self, name: str, *, listed: bool = True) -> Iterator[HashingEntry]:
        with self.archive.open(self._info(name), "w", force_zip64=True) as stream:
            sink = HashingEntry(stream)
            yield sink
            sink.flush()
        if listed:
            self.files.append({"path": name, "sha256": sink.sha256.hexdigest(), "size": sink.size})

    def add_bytes(self, name: str, data: bytes, *, listed: bool = True) -> None:
        with self.entry(name, listed=listed) as sink:
            sink.write(data)

    def add_file(self, name: str, source: Path) -> None:
        with self.entry(name) as sink, source.open("rb") as handle:
            shutil.copyfileobj(handle, sink, FLUSH_BYTES)
