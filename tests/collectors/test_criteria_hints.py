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


# Checks added for issue 16 ("missing checks"), each with the control that now lists it.
ISSUE_16_CHECKS = {
    "iam_inline_policy_no_full_admin": "IAM-10",
    "iam_policy_no_service_wildcard": "IAM-16",
    "iam_policy_no_passrole_wildcard": "IAM-16",
    "iam_s3_object_writers": "IAM-20",
    "s3_bucket_policy_object_writers": "IAM-20",
    "account_security_contact": "ACC-05",
    "elbv2_access_logging": "LOG-08",
    "trusted_advisor_service_limits": "MON-07",
    "servicequotas_usage": "MON-07",
    "ec2_default_vpc_absent": "NET-06",
    "ec2_instance_no_public_ip": "NET-06",
    "ec2_sg_no_public_ingress": "NET-06",
    "rds_instance_tls_required": "DP-03",
    "cloudfront_viewer_https": "DP-03",
    "ec2_ebs_snapshot_encrypted": "DP-04",
    "rds_snapshot_encrypted": "DP-05",
    "rds_instance_deletion_protection": "DP-11",
    "backup_ebs_volume_covered": "DP-11",
    "backup_rds_instance_covered": "DP-11",
    "backup_efs_covered": "DP-11",
    "macie_enabled": "DP-14",
    "inspector_enabled": "VM-04",
    "config_rule_compliance": "VM-05",
}


def test_every_check_is_listed_by_a_control() -> None:
    listed = {check for control in shipped_controls() for check in control.get("checks") or []}

    assert len(load_checks()) == 109
    assert sorted(set(load_checks()) - listed) == []


def test_the_issue_16_checks_carry_remediation_references_and_their_control() -> None:
    checks = load_checks()
    by_ref = {control["ref"]: control for control in shipped_controls()}

    incomplete = {
        check_id: ref
        for check_id, ref in ISSUE_16_CHECKS.items()
        if check_id not in checks
        or not checks[check_id].remediation
        or not any(h.startswith("soc2-2017:") for h in checks[check_id].criteria_hints)
        or check_id not in (by_ref[ref].get("checks") or [])
    }

    assert incomplete == {}


@pytest.mark.parametrize(
    "ref", ["IAM-16", "IAM-20", "ACC-05", "LOG-08", "MON-07", "NET-06", "DP-14", "VM-04"]
)
def test_seed_controls_an_api_can_answer_are_no_longer_manual_only(ref: str) -> None:
    control = next(c for c in shipped_controls() if c["ref"] == ref)
    assert control.get("checks")


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
