"""The state of each control's required documents on a day, for the rollup.

Manual evidence (evidence requests and their approved submissions) and provider attestations
are read here and nowhere else in posture, so wiring in where they come from is one function.
"""

from __future__ import annotations

import datetime as dt


def control_document_states(*, day: dt.date) -> dict[int, str]:
    """Control id -> EvidenceState for controls that ask for documents; others are absent."""
    return {}
