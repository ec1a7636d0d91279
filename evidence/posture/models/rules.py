"""The one rule that turns a control's evidence on a day into its status.

Every page, API field, CSV and packet shows the status this rule wrote into the rollup, so there
is exactly one place where "failing", "excepted" or "incomplete" is decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.posture.models.status import ControlStatus


class EvidenceState:
    """The state of a control's required documents (manual or provider evidence) on a day."""

    NONE = ""  # the control asks for no document
    EVIDENCED = "evidenced"
    MISSING = "missing"  # asked for, never approved, not yet due
    OVERDUE = "overdue"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ControlEvidence:
    """What evidenced one control in one account on one day."""

    passed: int = 0
    failed: int = 0  # failures no approved exception covers
    excepted: int = 0  # failures an approved, unexpired exception covers
    errored: int = 0  # parts that could not be read
    documents: str = EvidenceState.NONE


def control_status(evidence: ControlEvidence) -> ControlStatus:
    """Worst first: a failure, then what could not be read, then late or lapsed documents."""
    if evidence.failed:
        return ControlStatus.FAIL
    if evidence.errored:
        return ControlStatus.INCOMPLETE
    if evidence.documents == EvidenceState.EXPIRED:
        return ControlStatus.EVIDENCE_EXPIRED
    if evidence.documents == EvidenceState.OVERDUE:
        return ControlStatus.EVIDENCE_OVERDUE
    automated = evidence.passed + evidence.excepted
    if evidence.documents == EvidenceState.MISSING or (
        not automated and evidence.documents != EvidenceState.EVIDENCED
    ):
        return ControlStatus.NOT_EVIDENCED
    if evidence.excepted:
        return ControlStatus.EXCEPTED
    return ControlStatus.PASS


# Worst first, for combining accounts (a control failing anywhere is failing) and for a
# criterion, which is as good as its weakest mapped control.
SEVERITY = {
    ControlStatus.FAIL: 6,
    ControlStatus.EVIDENCE_EXPIRED: 5,
    ControlStatus.EVIDENCE_OVERDUE: 4,
    ControlStatus.INCOMPLETE: 3,
    ControlStatus.NOT_EVIDENCED: 2,
    ControlStatus.EXCEPTED: 1,
    ControlStatus.PASS: 0,
}
