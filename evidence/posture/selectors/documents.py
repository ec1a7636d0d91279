"""The state of each control's required documents on a day, for the rollup.

Manual evidence (evidence requests and their approved submissions) and provider attestations
are read here and nowhere else in posture, so where they come from is one function.
"""

from __future__ import annotations

import datetime as dt

from evidence.manual.selectors.status import manual_control_states
from evidence.posture.models.rules import EvidenceState

# The manual app's words for a control's documents, in the rollup's vocabulary.
STATES = {
    "evidenced": EvidenceState.EVIDENCED,
    "missing": EvidenceState.MISSING,
    "overdue": EvidenceState.OVERDUE,
    "expired": EvidenceState.EXPIRED,
}


def control_document_states(*, day: dt.date) -> dict[int, str]:
    """Control id -> EvidenceState for controls that ask for documents; others are absent."""
    return {
        control_id: STATES[state.state]
        for control_id, state in manual_control_states(day=day).items()
        if state.state in STATES
    }
