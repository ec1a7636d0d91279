"""The shape of one check's remediation guidance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Guidance:
    """Why a check matters to an auditor and how to make a failing resource pass.

    ``rationale`` is one or two sentences for the finding page and the packet; ``console`` is the
    click path in the AWS console; ``cli`` is one ``aws ...`` command with ``<placeholders>`` for
    the values the operator fills in.
    """

    rationale: str
    console: str
    cli: str
