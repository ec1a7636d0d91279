#!/usr/bin/env python3
"""Verify an evidence packet offline: every file's SHA-256 and size, and the manifest signature.

    python verify.py PACKET.zip --public-key BASE64
    python verify.py UNPACKED_FOLDER --public-key BASE64

Standalone on purpose: the Python standard library and PyNaCl (``pip install pynacl``) only, no
Django and nothing from the product, so an auditor can run the copy shipped inside the packet
(``tools/verify.py``) on any machine. Get the public key from the company out of band (``python
manage.py packet_public_key`` on their server): the key written inside the manifest proves
nothing by itself, since whoever alters a packet can also re-sign it with a key of their own.

Exit codes: 0 the packet is intact and signed by the given key; 1 a problem was found (each one
is printed: altered, missing or extra file, bad signature, wrong key); 2 the packet could not be
read at all or PyNaCl is missing.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CHUNK_BYTES = 1 << 16


@dataclass
class Verification:
    """What a verification found. ``problems`` empty means the packet is intact and signed."""

    problems: list[str] = field(default_factory=list)
    files_checked: int = 0
    manifest: dict[str, Any] | None = None
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _decode_key(text: str) -> bytes:
    raw = base64.b64decode(text.strip(), validate=True)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return raw


def _signature_problems(
    manifest_bytes: bytes, signature_text: bytes, manifest: dict[str, Any], public_key: str | None
) -> list[str]:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    embedded = str(manifest.get("public_key", ""))
    if public_key is None:
        return [
            "signature: no --public-key given; the key inside the manifest "
            f"({embedded or 'none'}) cannot vouch for itself. Ask the company for its packet "
            "public key and pass it with --public-key."
        ]
    try:
        key = _decode_key(public_key)
    except (ValueError, binascii.Error) as exc:
        return [f"signature: the given public key is not valid base64 Ed25519 ({exc})"]
    problems = []
    if embedded != base64.b64encode(key).decode():
        problems.append(
            f"signature: the manifest names public key {embedded or 'none'}, "
            f"not the expected {public_key.strip()}"
        )
    try:
        signature = base64.b64decode(signature_text.strip(), validate=True)
        VerifyKey(key).verify(manifest_bytes, signature)
    except (BadSignatureError, ValueError, binascii.Error):
        problems.append("signature: manifest.sig does not verify with the expected public key")
    return problems


class _Zip:
    """A packet ZIP's files (directory entries, as ``zip -r`` writes them, are not files)."""

    def __init__(self, path: str) -> None:
        self.archive = zipfile.ZipFile(path)

    def names(self) -> list[str]:
        return [info.filename for info in self.archive.infolist() if not info.is_dir()]

    def open(self, name: str) -> IO[bytes]:
        return self.archive.open(name)

    def read(self, name: str) -> bytes:
        return self.archive.read(name)

    def close(self) -> None:
        self.archive.close()


class _Folder:
    """An unpacked packet: files under ``root``, named with forward slashes."""

    def __init__(self, path: str) -> None:
        self.root = Path(path)

    def names(self) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()
        )

    def _path(self, name: str) -> Path:
        path = self.root / name
        if ".." in Path(name).parts or not path.is_file():
            raise KeyError(name)
        return path

    def open(self, name: str) -> IO[bytes]:
        return self._path(name).open("rb")

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def close(self) -> None:
        pass


def _digest(archive: _Zip | _Folder, name: str) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with archive.open(name) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def _difference(path: str, entry: dict[str, Any], sha256: str, size: int) -> str:
    expected_sha, expected_size = entry.get("sha256"), entry.get("size")
    if size != expected_size:
        what = f"size {size} bytes, manifest says {expected_size} bytes"
    else:
        what = f"same size ({size} bytes) but different content"
    return f"altered: {path} ({what}; sha256 {sha256}, manifest says {expected_sha})"


def _file_problems(
    archive: _Zip | _Folder, files: list[dict[str, Any]], report: Verification
) -> list[str]:
    counts = Counter(archive.names())
    present = set(counts)
    problems = [f"duplicate: {name} appears {n} times" for name, n in counts.items() if n > 1]
    listed: set[str] = set()
    for entry in files:
        path = str(entry.get("path", ""))
        listed.add(path)
        if path not in present:
            problems.append(f"missing: {path}")
            continue
        try:
            sha256, size = _digest(archive, path)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            problems.append(f"altered: {path} (unreadable: {exc})")
            continue
        report.files_checked += 1
        if sha256 != entry.get("sha256") or size != entry.get("size"):
            problems.append(_difference(path, entry, sha256, size))
    for name in sorted(present - listed - {MANIFEST, SIGNATURE}):
        problems.append(f"extra: {name} is not listed in the manifest")
    return problems


def verify_packet(path: str, public_key: str | None = None) -> Verification:
    """Check ``path`` against its manifest and the manifest against ``public_key`` (base64)."""
    report = Verification()
    try:
        archive = _Folder(path) if Path(path).is_dir() else _Zip(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.unreadable = True
        report.problems.append(f"unreadable: {path} is not a readable ZIP or folder ({exc})")
        return report
    try:
        try:
            manifest_bytes = archive.read(MANIFEST)
            manifest = json.loads(manifest_bytes)
            files = manifest["files"]
        except KeyError:
            report.problems.append(f"missing: {MANIFEST} (or its file list)")
            return report
        except (ValueError, OSError, zipfile.BadZipFile, zlib.error) as exc:
            report.problems.append(f"altered: {MANIFEST} cannot be read ({exc})")
            return report
        report.manifest = manifest
        try:
            signature_text = archive.read(SIGNATURE)
        except KeyError:
            report.problems.append(f"missing: {SIGNATURE}")
        except (zipfile.BadZipFile, zlib.error) as exc:
            report.problems.append(f"altered: {SIGNATURE} cannot be read ({exc})")
        else:
            report.problems += _signature_problems(
                manifest_bytes, signature_text, manifest, public_key
            )
        report.problems += _file_problems(archive, files, report)
    finally:
        archive.close()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Verify a signed evidence packet (a ZIP or its unpacked folder)."
    )
    parser.add_argument("packet", help="path to the packet ZIP or the folder it was unpacked to")
    parser.add_argument("--public-key", help="the company's packet public key (base64)")
    args = parser.parse_args(argv)
    try:
        import nacl  # noqa: F401
    except ImportError:
        print("PyNaCl is required: pip install pynacl", file=sys.stderr)
        return 2
    report = verify_packet(args.packet, args.public_key)
    for problem in report.problems:
        print(f"PROBLEM {problem}")
    if report.unreadable:
        return 2
    if report.problems:
        print(f"FAILED: {len(report.problems)} problem(s); {report.files_checked} file(s) intact.")
        return 1
    scope = (report.manifest or {}).get("scope", {})
    period = scope.get("period", {})
    print(
        f"OK: {report.files_checked} files match manifest.json and its signature verifies "
        f"(framework {scope.get('framework', {}).get('slug')}, "
        f"{period.get('start')} to {period.get('end')})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
