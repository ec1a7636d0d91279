"""Remediation guidance for every registered check, keyed by check id.

Kept as data beside the check modules (not in their ``@check`` decorators) so that guidance edits
and check-logic edits never touch the same file. One module per service family; ``GUIDANCE`` is
their union and a check id may appear in only one of them.
"""

from __future__ import annotations

from collections.abc import Mapping

from collectors.guidance import audit_logging, data, detection, ec2, iam, organizations, s3
from collectors.guidance.base import Guidance

__all__ = ["GUIDANCE", "Guidance"]


def _merge(*families: Mapping[str, Guidance]) -> dict[str, Guidance]:
    merged: dict[str, Guidance] = {}
    for family in families:
        for check_id, guidance in family.items():
            if check_id in merged:
                raise ValueError(f"guidance for {check_id!r} defined twice")
            merged[check_id] = guidance
    return merged


GUIDANCE: dict[str, Guidance] = _merge(
    iam.GUIDANCE,
    s3.GUIDANCE,
    ec2.GUIDANCE,
    audit_logging.GUIDANCE,
    detection.GUIDANCE,
    data.GUIDANCE,
    organizations.GUIDANCE,
)
