"""Load balancer access logs: ELBv2 attribute access_logs.s3.enabled on each ALB and NLB."""

from __future__ import annotations

from collections.abc import Iterator

from collectors.aws.elbv2 import SERVICE, Elbv2Snapshot, attributes_call
from collectors.readers import ReadError
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status


@check(
    "elbv2_access_logging",
    title="Load balancers write access logs to S3",
    service=SERVICE,
    resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.10", "soc2-2017:CC7.2"),
    remediation=(
        "modify-load-balancer-attributes with access_logs.s3.enabled=true and "
        "access_logs.s3.bucket=<log archive bucket> (the bucket policy must let ELB log delivery "
        "write)."
    ),
)
def access_logging(snapshot: Elbv2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for lb in snapshot.load_balancers:
        lb_arn = lb.description["LoadBalancerArn"]
        values = {}
        if isinstance(lb.attributes, ReadError):
            status = Status.ERROR
            reason = f"could not read DescribeLoadBalancerAttributes: {lb.attributes.reason}"
        else:
            values = {a.get("Key"): a.get("Value") for a in lb.attributes or []}
            bucket = values.get("access_logs.s3.bucket")
            if str(values.get("access_logs.s3.enabled")).lower() == "true":
                status, reason = Status.PASS, f"access logs delivered to s3://{bucket}"
            else:
                status, reason = Status.FAIL, "access logging is off"
        yield CheckResult(
            check_id="elbv2_access_logging",
            account_id=ctx.account_id,
            region=snapshot.region,
            resource_id=lb_arn,
            resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
            status=status,
            reason=reason,
            evidence={
                "LoadBalancerName": lb.description.get("LoadBalancerName"),
                "Type": lb.description.get("Type"),
                "Scheme": lb.description.get("Scheme"),
                "access_logs": {k: v for k, v in values.items() if k.startswith("access_logs.")},
            },
            sources=(snapshot.load_balancers_call, attributes_call(lb_arn)),
        )
