"""What the catalog files hold once read: plain frozen dataclasses, and the catalog's error."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from grc.catalog.models import Responsibility

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FREQUENCIES = ("continuous", "daily", "quarterly", "annual", "event")
PROVIDER_RESPONSIBILITIES = (Responsibility.INHERITED, Responsibility.SHARED)
# Control fields the catalog manages; their digest tells a person's edit from the last load.
CONTROL_TEXT_FIELDS = (
    "name",
    "domain",
    "statement",
    "responsibility",
    "aws_responsibility",
    "customer_responsibility",
    "frequency",
)


class CatalogError(Exception):
    """The catalog files are invalid; `errors` names the file and entry of every problem."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class SectionData:
    ref: str
    title: str


@dataclass(frozen=True)
class CriterionData:
    ref: str
    section: str
    title: str
    description: str
    level: int | None
    assessment: str


@dataclass(frozen=True)
class FrameworkData:
    slug: str
    name: str
    version: str
    publisher: str
    kind: str
    sections: tuple[SectionData, ...]
    criteria: tuple[CriterionData, ...]


@dataclass(frozen=True)
class AttestationData:
    slug: str
    provider: str
    name: str
    period_start: date | None
    period_end: date | None
    url: str


@dataclass(frozen=True)
class EvidenceRequestData:
    title: str
    frequency: str


@dataclass(frozen=True)
class ControlData:
    ref: str
    name: str
    domain: str
    statement: str
    responsibility: str
    aws_responsibility: str
    customer_responsibility: str
    attestation: str | None
    frequency: str
    criteria: tuple[tuple[str, str], ...]  # (framework slug, criterion ref)
    checks: tuple[str, ...]
    evidence_requests: tuple[EvidenceRequestData, ...]
    parameters: Mapping[str, Any]

    def catalog_values(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in CONTROL_TEXT_FIELDS}
        return values | {"attestation": self.attestation}


@dataclass(frozen=True)
class Catalog:
    version: str
    frameworks: tuple[FrameworkData, ...]
    attestations: tuple[AttestationData, ...]
    controls: tuple[ControlData, ...]
