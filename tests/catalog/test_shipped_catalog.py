"""The catalog shipped in grc/catalog/data: its published facts and its completeness."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml

from collectors.registry import load_checks
from grc.catalog.loader import DATA_DIR, catalog_load, catalog_read
from grc.catalog.models import Assessment, Criterion, Framework
from grc.catalog.selectors.coverage import framework_coverage


def criteria_of(slug: str) -> list[dict[str, Any]]:
    path = DATA_DIR / "frameworks" / f"{slug}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["criteria"]


def shipped_controls() -> list[dict[str, Any]]:
    return yaml.safe_load((DATA_DIR / "controls.yaml").read_text(encoding="utf-8"))["controls"]


def test_shipped_catalog_is_valid() -> None:
    catalog = catalog_read(DATA_DIR)

    assert {f.slug for f in catalog.frameworks} >= {"soc2-2017", "cis-aws-3.0.0", "cis-aws-7.0.0"}


def test_soc2_has_61_criteria() -> None:
    assert len(criteria_of("soc2-2017")) == 61


def test_cis_7_has_the_published_counts() -> None:
    criteria = criteria_of("cis-aws-7.0.0")

    assert len(criteria) == 70
    assert Counter(c["assessment"] for c in criteria) == {"automated": 34, "manual": 36}
    assert Counter(c["level"] for c in criteria) == {1: 41, 2: 29}


def test_every_check_id_exists_in_the_registry() -> None:
    registry = load_checks()

    missing = sorted(
        {check for control in shipped_controls() for check in control.get("checks") or []}
        - registry.keys()
    )

    assert missing == []


def test_every_control_has_responsibility_criteria_and_evidence() -> None:
    incomplete = [
        control["ref"]
        for control in shipped_controls()
        if not control.get("responsibility")
        or not any((control.get("criteria") or {}).values())
        or not (
            control.get("checks") or control.get("evidence_requests") or control.get("attestation")
        )
    ]

    assert incomplete == []


@pytest.mark.django_db
def test_every_soc2_criterion_is_covered() -> None:
    catalog_load(DATA_DIR)

    coverage = framework_coverage(Framework.objects.get(slug="soc2-2017"))

    assert coverage.total == 61
    assert [c.criterion.ref for c in coverage.uncovered] == []


@pytest.mark.django_db
def test_every_automated_cis_7_recommendation_has_a_check() -> None:
    catalog_load(DATA_DIR)

    automated = Criterion.objects.filter(
        framework__slug="cis-aws-7.0.0", assessment=Assessment.AUTOMATED
    )
    without_check = automated.exclude(controls__checks__isnull=False)

    assert automated.count() == 34
    assert list(without_check.values_list("ref", flat=True)) == []


@pytest.mark.django_db
def test_reloading_the_shipped_catalog_changes_nothing() -> None:
    catalog_load(DATA_DIR)

    counts = catalog_load(DATA_DIR).summary["counts"]

    changed = {
        e: a for e, a in counts.items() if any(a.get(k) for k in ("created", "updated", "deleted"))
    }
    assert changed == {}
