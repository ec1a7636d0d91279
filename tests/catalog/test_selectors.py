from __future__ import annotations

from pathlib import Path

import pytest

from grc.catalog.loader import catalog_load
from grc.catalog.models import Attestation, Criterion, Framework
from grc.catalog.selectors.coverage import FrameworkCoverage, framework_coverage
from tests.factories import ControlFactory, ControlMappingFactory

pytestmark = pytest.mark.django_db


def by_ref(coverage: FrameworkCoverage) -> dict[str, tuple[list[str], str]]:
    """ref -> (mapped control refs, flags as a string of A(utomated) M(anual) P(rovider))."""
    return {
        c.criterion.ref: (
            [control.ref for control in c.controls],
            "".join(
                flag
                for flag, on in zip("AMP", (c.automated, c.manual, c.provider), strict=True)
                if on
            ),
        )
        for c in coverage.criteria
    }


def test_soc2_coverage(catalog_dir: Path) -> None:
    catalog_load(catalog_dir)

    coverage = framework_coverage(Framework.objects.get(slug="soc2-2017"))

    assert by_ref(coverage) == {
        "CC1.4": (["HR-01"], "M"),
        "CC6.1": (["ENC-01", "IAM-01"], "AMP"),
        "CC6.4": (["DC-01"], "P"),
        "CC6.7": ([], ""),
        "C1.1": (["ENC-01"], "AMP"),
    }
    totals = (coverage.total, coverage.automated, coverage.manual, coverage.provider)
    assert totals == (5, 2, 3, 3)
    assert [c.criterion.ref for c in coverage.uncovered] == ["CC6.7"]


def test_cis_coverage(catalog_dir: Path) -> None:
    catalog_load(catalog_dir)

    coverage = framework_coverage(Framework.objects.get(slug="cis-aws-7.0.0"))

    assert by_ref(coverage) == {
        "2.9": (["IAM-01"], "A"),
        "2.10": ([], ""),
        "3.1.1": (["ENC-01"], "AMP"),
        "3.1.2": (["LOG-01"], "A"),
    }
    totals = (coverage.total, coverage.automated, coverage.manual, coverage.provider)
    assert totals == (4, 3, 1, 1)
    assert [c.criterion.ref for c in coverage.uncovered] == ["2.10"]


def test_a_mapped_control_without_evidence_leaves_the_criterion_uncovered(
    catalog_dir: Path,
) -> None:
    catalog_load(catalog_dir)
    ControlMappingFactory(control=ControlFactory(), criterion=Criterion.objects.get(ref="CC6.7"))
    # An attestation only counts for inherited/shared controls.
    customer_with_attestation = ControlFactory(
        attestation=Attestation.objects.get(slug="aws-soc2-type2")
    )
    ControlMappingFactory(
        control=customer_with_attestation, criterion=Criterion.objects.get(ref="CC6.7")
    )

    coverage = framework_coverage(Framework.objects.get(slug="soc2-2017"))

    cc67 = next(c for c in coverage.criteria if c.criterion.ref == "CC6.7")
    assert len(cc67.controls) == 2
    assert not cc67.covered


def test_coverage_runs_a_bounded_number_of_queries(
    catalog_dir: Path, django_assert_num_queries
) -> None:
    catalog_load(catalog_dir)
    framework = Framework.objects.get(slug="soc2-2017")
    for _ in range(5):
        ControlMappingFactory(criterion=Criterion.objects.get(ref="CC6.7"))

    with django_assert_num_queries(2):
        coverage = framework_coverage(framework)
        assert coverage.manual == 3
