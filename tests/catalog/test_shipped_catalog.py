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


def test_cis_3_has_the_published_counts() -> None:
    criteria = criteria_of("cis-aws-3.0.0")
    by_ref = {c["ref"]: c for c in criteria}

    assert len(criteria) == 62
    assert Counter(c["assessment"] for c in criteria) == {"automated": 35, "manual": 27}
    assert Counter(c["level"] for c in criteria) == {1: 40, 2: 22}
    for ref in ("1.6", "1.7", "1.11", "2.4.1", *(f"4.{n}" for n in range(1, 16))):
        assert by_ref[ref]["assessment"] == "manual", ref
    assert (by_ref["1.18"]["assessment"], by_ref["1.18"]["level"]) == ("automated", 2)
    assert (by_ref["2.1.2"]["assessment"], by_ref["2.1.2"]["level"]) == ("manual", 2)
    assert all(by_ref[f"4.{n}"]["title"].endswith("monitored") for n in range(1, 16))
    assert "encryption-at-rest" in by_ref["2.3.1"]["title"]
    assert "customer-created" in by_ref["3.6"]["title"]


def test_cis_7_groups_2_1_1_to_2_1_6_under_2_1() -> None:
    path = DATA_DIR / "frameworks" / "cis-aws-7.0.0.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))

    assert {"ref": "2.1", "title": "AWS Organizations"} in document["sections"]
    grouped = sorted(c["ref"] for c in document["criteria"] if c["section"] == "2.1")
    assert grouped == [f"2.1.{n}" for n in range(1, 7)]


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


def test_corrected_responsibilities_and_mappings() -> None:
    controls = {control["ref"]: control for control in shipped_controls()}

    # AWS's part of these is not a control the company can rely on; encryption is one rule.
    for ref in ("HR-02", "DP-16", "DP-02", "DP-04", "DP-05", "DP-06"):
        assert controls[ref]["responsibility"] == "customer", ref
        assert not controls[ref].get("attestation"), ref
    assert "CC3.3" not in controls["IAM-16"]["criteria"]["soc2-2017"]
    assert "P4.2" not in controls["DP-14"]["criteria"]["soc2-2017"]
    assert "ssm_instances_managed" not in controls["IAM-12"]["checks"]


def test_aws_soc2_attestation_names_its_four_categories_and_example_dates() -> None:
    document = yaml.safe_load((DATA_DIR / "attestations.yaml").read_text(encoding="utf-8"))
    by_slug = {entry["slug"]: entry for entry in document["attestations"]}

    soc2 = by_slug["aws-soc2-type2"]["name"]
    for category in ("Security", "Availability", "Confidentiality", "Privacy"):
        assert category in soc2
    assert all("example" in entry["name"] for entry in by_slug.values())
