"""The packet's samples and deviations as OSCAL assessment results (1.1, JSON).

One result covers the packet period. Per control: one observation per sampled item (an
account's collection on a tested day, method TEST, collected at the collection's time, linking
to the control's samples.csv), one observation per deviation listed in the report (linking to
its evidence document by SHA-256), and one finding whose target is the control with state
``satisfied`` (no deviation outside an exception) or ``not-satisfied``. UUIDs are version 5,
derived from the packet, so a rebuild of the same packet gives the same document.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from evidence.packets.services.population import ControlSample

OSCAL_VERSION = "1.1.2"
NAMESPACE = uuid.UUID("8b0f6c39-2a0e-5b7e-9d8e-6b1f1d0c4a11")


def _uuid(packet_id: int, *parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, (packet_id, *parts)))))


def control_id(ref: str) -> str:
    """An OSCAL token: lower case, starting with a letter or underscore."""
    token = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in ref.lower())
    return token if token[:1].isalpha() else f"_{token}"


def _observations(packet_id: int, sample: ControlSample, folder: str) -> list[dict[str, Any]]:
    observations = []
    for number, item in enumerate(sample.items, start=1):
        tested = item.tested
        observations.append({
            "uuid": _uuid(packet_id, sample.ref, "sample", number),
            "title": f"{sample.ref} sample {number}: account {tested.account_id} on {tested.day}",
            "description": f"{item.results} results, {item.failing} failing or unreadable, "
            f"{item.excepted} covered by a risk exception: {item.result}.",
            "methods": ["TEST"],
            "collected": tested.finished_at.isoformat(timespec="seconds"),
            "relevant-evidence": [{
                "href": f"{folder}/samples.csv",
                "description": f"Rows of sample {number} in samples.csv",
            }],
        })  # fmt: skip
    for index, row in enumerate(sample.deviations, start=1):
        _, account_id, day, collected_at, _, resource, check, status, reason, sha = row[:10]
        evidence = {"href": f"evidence/{sha}.json", "description": f"Evidence sha256 {sha}"}
        observations.append({
            "uuid": _uuid(packet_id, sample.ref, "deviation", index),
            "title": f"{sample.ref} deviation: {check} {status} on {resource or account_id}",
            "description": f"{day}, account {account_id}: {reason or status}"
            + (f" (excepted by risk exception #{row[10]})" if row[10] else ""),
            "methods": ["TEST"],
            "collected": collected_at,
            **({"relevant-evidence": [evidence]} if sha else {}),
        })  # fmt: skip
    return observations


def _finding(packet_id: int, sample: ControlSample, observations: list[dict]) -> dict[str, Any]:
    satisfied = not sample.deviations_total
    finding: dict[str, Any] = {
        "uuid": _uuid(packet_id, sample.ref, "finding"),
        "title": f"{sample.ref} {sample.name}",
        "description": f"Population {sample.population_days} tested days; sample size "
        f"{sample.sample_size}, {len(sample.items)} sampled; {sample.deviations_total} "
        "deviation(s) not covered by an exception.",
        "target": {
            "type": "statement-id",
            "target-id": f"{control_id(sample.ref)}_smt",
            "status": {"state": "satisfied" if satisfied else "not-satisfied"},
        },
    }
    if observations:
        finding["related-observations"] = [{"observation-uuid": o["uuid"]} for o in observations]
    return finding


def assessment_results(scope: Any, samples: Sequence[ControlSample]) -> dict[str, Any]:
    """The OSCAL document (``{"assessment-results": ...}``) for the packet's tested controls."""
    packet = scope.packet
    observations: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    tested = [sample for sample in samples if sample.items]
    for sample in tested:
        folder = "controls/" + "".join(
            ch if ch.isalnum() or ch in "._-" else "_" for ch in sample.ref
        )
        mine = _observations(packet.pk, sample, folder)
        observations += mine
        findings.append(_finding(packet.pk, sample, mine))
    generated = scope.generated_at.isoformat(timespec="seconds")
    start = f"{packet.period_start.isoformat()}T00:00:00+00:00"
    end = f"{packet.period_end.isoformat()}T23:59:59+00:00"
    result: dict[str, Any] = {
        "uuid": _uuid(packet.pk, "result"),
        "title": f"Sampled tests of {packet.framework.name} controls",
        "description": "Samples drawn by control frequency from the daily evidence of the "
        "period; see manifest.json (sampling) for the seed and sizes.",
        "start": start,
        "end": end,
        "reviewed-controls": {
            "control-selections": [
                {"include-controls": [{"control-id": control_id(s.ref)} for s in tested]}
                if tested
                else {"include-all": {}}
            ]
        },
    }
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    return {
        "assessment-results": {
            "uuid": _uuid(packet.pk, "assessment-results"),
            "metadata": {
                "title": f"Evidence packet {packet.pk}: {packet.framework.name} "
                f"{packet.period_start} to {packet.period_end}",
                "last-modified": generated,
                "version": scope.product_version,
                "oscal-version": OSCAL_VERSION,
            },
            "import-ap": {"href": "manifest.json"},
            "results": [result],
        }
    }


def assessment_results_json(scope: Any, samples: Sequence[ControlSample], _: Any = None) -> bytes:
    document = assessment_results(scope, samples)
    return json.dumps(document, indent=1, sort_keys=False, ensure_ascii=False).encode() + b"\n"
