"""Who a bucket policy lets upload or delete objects (the resource side of IAM-20).

Reads nothing new: the S3 snapshot's GetBucketPolicy. AWS service principals (log delivery,
CloudTrail...) are listed but accepted, since they write only what the service produces; any
other principal, including "*" and whole accounts, must match the approved ARN patterns
(``s3_object_writers``, the same parameter as the identity-side ``iam_s3_object_writers``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collectors.aws.iam_s3_writers import WRITE_ACTIONS, approved
from collectors.aws.policy_statements import allows, as_list, covers_action
from collectors.aws.s3 import (
    BUCKET,
    SERVICE,
    Bucket,
    S3Snapshot,
    Verdict,
    evaluate_buckets,
    policy_document,
    statement_label,
    statements,
)
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status


def _principals(statement: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(AWS principals, service principals) an Allow statement names; NotPrincipal is "*"."""
    if "NotPrincipal" in statement:
        return ["*"], []
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"], []
    if not isinstance(principal, Mapping):
        return [], []
    aws = [str(p) for p in as_list(principal.get("AWS"))]
    aws += [str(p) for p in as_list(principal.get("CanonicalUser"))]
    aws += [str(p) for p in as_list(principal.get("Federated"))]
    return aws, [str(p) for p in as_list(principal.get("Service"))]


def _writer_grants(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    grants = []
    for statement in statements(document):
        actions = [a for a in WRITE_ACTIONS if covers_action(statement, a)]
        if not (allows(statement) and actions):
            continue
        aws, services = _principals(statement)
        grants.append(
            {
                "statement": statement_label(statement, document),
                "actions": actions,
                "principals": aws,
                "service_principals": services,
                "condition": statement.get("Condition"),
            }
        )
    return grants


@check(
    "s3_bucket_policy_object_writers",
    title="Bucket policies let only approved principals upload or delete objects",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.MEDIUM,
    parameters={"s3_object_writers": []},
    criteria=("soc2-2017:CC6.1", "soc2-2017:CC6.3"),
    remediation=(
        "Remove s3:PutObject / s3:DeleteObject grants for principals that do not need them from "
        "the bucket policy, or add the principal's ARN pattern to the s3_object_writers "
        "parameter once its need is approved."
    ),
)
def bucket_policy_object_writers(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    patterns = [str(p) for p in ctx.parameters.get("s3_object_writers") or []]

    def decide(bucket: Bucket) -> Verdict:
        document = policy_document(bucket)
        grants = _writer_grants(document or {})
        unapproved = sorted(
            {p for g in grants for p in g["principals"] if not approved(p, patterns)}
        )
        evidence = {"writer_grants": grants, "approved_patterns": patterns}
        if unapproved:
            reason = f"bucket policy lets unapproved principals write: {', '.join(unapproved)}"
            return Verdict(Status.FAIL, reason, evidence)
        if grants:
            return Verdict(Status.PASS, "bucket policy grants writes to approved ones", evidence)
        return Verdict(Status.PASS, "bucket policy grants no object writes", evidence)

    return evaluate_buckets("s3_bucket_policy_object_writers", snapshot, ctx, ("policy",), decide)
