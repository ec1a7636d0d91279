"""Reads over the catalog: how well each framework's criteria are evidenced."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q

from grc.catalog.loader import PROVIDER_RESPONSIBILITIES
from grc.catalog.models import Control, ControlCheck, Criterion, EvidenceRequest, Framework


@dataclass(frozen=True)
class CriterionCoverage:
    """How one criterion is evidenced by the controls mapped onto it."""

    criterion: Criterion
    controls: tuple[Control, ...]
    automated: bool  # a mapped control has collector checks
    manual: bool  # a mapped control has evidence requests
    provider: bool  # a mapped control is inherited/shared with a provider attestation

    @property
    def covered(self) -> bool:
        return self.automated or self.manual or self.provider


@dataclass(frozen=True)
class FrameworkCoverage:
    """Coverage of every criterion of a framework; a criterion can count in several categories."""

    framework: Framework
    criteria: tuple[CriterionCoverage, ...]

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def automated(self) -> int:
        return sum(c.automated for c in self.criteria)

    @property
    def manual(self) -> int:
        return sum(c.manual for c in self.criteria)

    @property
    def provider(self) -> int:
        return sum(c.provider for c in self.criteria)

    @property
    def uncovered(self) -> tuple[CriterionCoverage, ...]:
        return tuple(c for c in self.criteria if not c.covered)


def _controls_with_evidence_flags() -> Prefetch:
    controls = Control.objects.annotate(
        has_checks=Exists(ControlCheck.objects.filter(control=OuterRef("pk"))),
        has_evidence_requests=Exists(EvidenceRequest.objects.filter(control=OuterRef("pk"))),
        has_attestation=Q(attestation__isnull=False)
        & Q(responsibility__in=PROVIDER_RESPONSIBILITIES),
    )
    return Prefetch("controls", queryset=controls.order_by("ref"))


def framework_coverage(framework: Framework) -> FrameworkCoverage:
    """Two queries: the criteria, and their controls with evidence flags."""
    criteria = framework.criteria.order_by("position").prefetch_related(
        _controls_with_evidence_flags()
    )
    return FrameworkCoverage(
        framework=framework,
        criteria=tuple(
            CriterionCoverage(
                criterion=criterion,
                controls=tuple(criterion.controls.all()),
                automated=any(c.has_checks for c in criterion.controls.all()),
                manual=any(c.has_evidence_requests for c in criterion.controls.all()),
                provider=any(c.has_attestation for c in criterion.controls.all()),
            )
            for criterion in criteria
        ),
    )
