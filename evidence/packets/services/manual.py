"""A packet's manual and provider evidence: each approved file once, under ``manual/<sha256>/``,
and ``manual/evidence.json`` with every entry and its review trail (listed in the manifest)."""

from __future__ import annotations

import json
import shutil
from typing import Any

from evidence.manual.models import StoredFile
from evidence.packets.selectors import manual as selectors
from evidence.packets.selectors.packets import SAFE_PATH
from evidence.packets.services.zipwriter import FLUSH_BYTES, PacketZipWriter

INDEX = "manual/evidence.json"


def _file_path(stored: StoredFile, filename: str) -> str:
    name = SAFE_PATH.sub("_", filename or "evidence")[:120].lstrip(".") or "evidence"
    return f"manual/{stored.sha256}/{name}"


def _add_file(archive: PacketZipWriter, stored: StoredFile, filename: str, written: dict) -> str:
    """Write the stored bytes once per SHA-256; returns the path inside the packet."""
    if stored.sha256 not in written:
        path = _file_path(stored, filename)
        with archive.entry(path) as sink, stored.file.open("rb") as handle:
            shutil.copyfileobj(handle, sink, FLUSH_BYTES)
        written[stored.sha256] = path
    return written[stored.sha256]


def manual_evidence_write(
    archive: PacketZipWriter, *, framework_id: int, start, end
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Write the files and the index; returns the summary the signed manifest carries."""
    written: dict[str, str] = {}
    requests: dict[int, dict[str, Any]] = {}
    for submission, entry in selectors.packet_manual_submissions(
        framework_id=framework_id, start=start, end=end
    ):
        if submission.stored_file is not None:
            path = _add_file(archive, submission.stored_file, submission.filename, written)
            for listed in entry["submissions"]:
                if listed["submission_id"] == submission.pk:
                    listed["path"] = path
        requests[id(entry)] = entry
    attestations = []
    for attestation in selectors.packet_attestations(
        framework_id=framework_id, start=start, end=end
    ):
        entry = selectors.attestation_entry(attestation)
        if attestation.stored_file is not None:
            entry["path"] = _add_file(
                archive, attestation.stored_file, attestation.filename, written
            )
        attestations.append(entry)
    index = {"requests": list(requests.values()), "provider_attestations": attestations}
    archive.add_bytes(
        INDEX, json.dumps(index, indent=2, sort_keys=True, ensure_ascii=False).encode()
    )
    return index
