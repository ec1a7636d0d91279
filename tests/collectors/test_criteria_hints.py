"""Each check's criteria hints name criteria that exist, in the catalog's framework files.

The files are read as YAML (no Django): collectors/ stays free of the catalog app.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from collectors.registry import load_checks

DATA_DIR = Path(__file__).resolve().parents[2] / "grc" / "catalog" / "data"
CIS_7 = "cis-aws-7.0.0"


@cache
def criterion_refs(slug: str) -> frozenset[str]:
    document = yaml.safe_load((DATA_DIR / "frameworks" / f"{slug}.yaml").read_text("utf-8"))
    return frozenset(str(criterion["ref"]) for criterion in document["criteria"])


def shipped_controls() -> list[dict[str, Any]]:
    return yaml.safe_load((DATA_DIR / "controls.yaml").read_text("utf-8"))["controls"]


def hints(framework: str) -> dict[str, set[str]]:
    """check id -> the refs its hints name in ``framework``."""
    found: dict[str, set[str]] = {}
    for spec in load_checks().values():
        for hint in spec.criteria_hints:
            slug, _, ref = hint.partition(":")
            if slug == framework:
                found.setdefault(spec.id, set()).add(ref)
    return found


def test_every_cis_7_hint_names_a_recommendation_of_the_benchmark() -> None:
    recommendations = criterion_refs(CIS_7)
    cis_hints = hints(CIS_7)

    unknown = {
        check_id: sorted(refs - recommendations)
        for check_id, refs in cis_hints.items()
        if refs - recommendations
    }

    assert len(recommendations) == 70
    assert len(cis_hints) >= 50  # the hints are filled in, not merely well formed
    assert unknown == {}


@pytest.mark.parametrize("hint", ["cis-aws-7.0.0:2.99", "cis-aws-7.0.0:6.1", "cis-aws-7.0.0:"])
def test_a_made_up_or_section_ref_is_not_a_recommendation(hint: str) -> None:
    assert hint.partition(":")[2] not in criterion_refs(CIS_7)


def test_every_hint_names_a_known_framework_and_criterion() -> None:
    malformed = [
        (spec.id, hint)
        for spec in load_checks().values()
        for hint in spec.criteria_hints
        if not (DATA_DIR / "frameworks" / f"{hint.partition(':')[0]}.yaml").is_file()
        or hint.partition(":")[2] not in criterion_refs(hint.partition(":")[0])
    ]

    assert malformed == []


def test_cis_7_hints_agree_with_the_control_catalog() -> None:
    """A check hints a recommendation only if a control listing the check maps it too."""
    mapped: dict[str, set[str]] = {}
    for control in shipped_controls():
        refs = {str(ref) for ref in (control.get("criteria") or {}).get(CIS_7) or []}
        for check_id in control.get("checks") or []:
            mapped.setdefault(check_id, set()).update(refs)

    unmapped = {
        check_id: sorted(refs - mapped.get(check_id, set()))
        for check_id, refs in hints(CIS_7).items()
        if refs - mapped.get(check_id, set())
    }

    assert unmapped == {}


def test_the_new_ec2_checks_carry_their_recommendations() -> None:
    checks = load_checks()

    assert f"{CIS_7}:2.16" in checks["ec2_instance_profile_attached"].criteria_hints
    assert f"{CIS_7}:6.1.2" in checks["ec2_sg_no_cifs_ingress"].criteria_hints


def test_iam_soc2_hints_agree_with_their_controls() -> None:
    """iam_credentials_unused belongs to IAM-07 (CC6.2) and iam_user_no_attached_policies to
    IAM-09 (CC6.3); their check-level hints say the same."""
    mapped: dict[str, set[str]] = {}
    for control in shipped_controls():
        refs = {str(ref) for ref in (control.get("criteria") or {}).get("soc2-2017") or []}
        for check_id in control.get("checks") or []:
            mapped.setdefault(check_id, set()).update(refs)
    soc2 = hints("soc2-2017")

    for check_id, expected in (
        ("iam_credentials_unused", {"CC6.2"}),
        ("iam_user_no_attached_policies", {"CC6.3"}),
    ):
        assert soc2[check_id] == expected
        assert soc2[check_id] <= mapped[check_id]
