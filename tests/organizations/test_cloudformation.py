"""The member role template: cfn-lint clean, read-only policies, trust limited by external id."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

TEMPLATE = ROOT / "evidence/organizations/cloudformation/grc-evidence-reader.yaml"


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !Sub, !GetAtt) as {"Fn": value}."""


def _tag(loader: CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)
    return {suffix: value}


CfnLoader.add_multi_constructor("!", _tag)


def template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=CfnLoader)


def test_cfn_lint_passes() -> None:
    cfn_lint = shutil.which("cfn-lint") or str(Path(__file__).parents[2] / ".venv/bin/cfn-lint")
    if not Path(cfn_lint).exists():
        pytest.skip("cfn-lint is not installed (pip install -e '.[dev]')")
    done = subprocess.run([cfn_lint, str(TEMPLATE)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_role_is_read_only_and_trusts_one_principal_with_external_id() -> None:
    body = template()
    role = body["Resources"]["EvidenceReaderRole"]
    assert role["Type"] == "AWS::IAM::Role"
    policies = [arn["Sub"] for arn in role["Properties"]["ManagedPolicyArns"]]
    assert policies == [
        "arn:${AWS::Partition}:iam::aws:policy/SecurityAudit",
        "arn:${AWS::Partition}:iam::aws:policy/job-function/ViewOnlyAccess",
    ]
    assert "Policies" not in role["Properties"]  # no inline policy can widen access
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"] == {"AWS": {"Ref": "TrustedPrincipalArn"}}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}
    assert body["Parameters"]["ExternalId"]["NoEcho"] is True
    assert body["Parameters"]["RoleName"]["Default"] == "GrcEvidenceReader"
