"""EC2 instance checks: IMDSv2, an IAM instance profile, spread over Availability Zones."""

from __future__ import annotations

from collections.abc import Iterator

from collectors.aws.ec2 import (
    SERVICE,
    Ec2Snapshot,
    ec2_result,
    region_id,
    resource_arn,
)
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status


@check(
    "ec2_instance_imdsv2",
    title="EC2 instances require IMDSv2",
    service=SERVICE,
    resource_type="AWS::EC2::Instance",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:6.7",),
)
def instance_imdsv2(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for instance in snapshot.instances.items:
        options = instance.get("MetadataOptions", {})
        if options.get("State") == "pending":
            # The options shown are requested, not yet in force: not readable yet, never PASS.
            status = Status.ERROR
            reason = (
                "metadata options are still being applied (MetadataOptions.State=pending); "
                "the settings in force cannot be read until they are applied"
            )
        elif options.get("HttpEndpoint") == "disabled":
            status, reason = Status.PASS, "instance metadata endpoint disabled"
        elif options.get("HttpTokens") == "required":
            status, reason = Status.PASS, "IMDSv2 required (HttpTokens=required)"
        else:
            status = Status.FAIL
            reason = f"IMDSv1 allowed (HttpTokens={options.get('HttpTokens', 'unset')})"
        yield ec2_result(
            "ec2_instance_imdsv2",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"instance/{instance['InstanceId']}"),
            "AWS::EC2::Instance",
            status,
            reason,
            {"instance_id": instance["InstanceId"], "metadata_options": options},
            (snapshot.instances.call,),
        )


@check(
    "ec2_instance_profile_attached",
    title="Running EC2 instances have an IAM instance profile",
    service=SERVICE,
    resource_type="AWS::EC2::Instance",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:2.16",),
)
def instance_profile_attached(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    # Only running instances call AWS; a stopped one is judged once it runs again.
    for instance in snapshot.instances.items:
        if instance.get("State", {}).get("Name") != "running":
            continue
        profile = instance.get("IamInstanceProfile")
        yield ec2_result(
            "ec2_instance_profile_attached",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"instance/{instance['InstanceId']}"),
            "AWS::EC2::Instance",
            Status.PASS if profile else Status.FAIL,
            f"instance profile {profile.get('Arn')}" if profile else "no IAM instance profile",
            {"instance_id": instance["InstanceId"], "iam_instance_profile": profile},
            (snapshot.instances.call,),
        )


@check(
    "ec2_instances_multi_az",
    title="Running EC2 instances span several Availability Zones",
    service=SERVICE,
    resource_type="AWS::EC2::Region",
    severity=Severity.LOW,
    parameters={"min_availability_zones": 2},
)
def instances_multi_az(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    minimum = int(ctx.parameters["min_availability_zones"])
    zones: dict[str, list[str]] = {}
    for instance in snapshot.instances.items:
        if instance.get("State", {}).get("Name") == "running":
            zone = instance.get("Placement", {}).get("AvailabilityZone", "unknown")
            zones.setdefault(zone, []).append(instance["InstanceId"])
    if not zones:
        status, reason = Status.NOT_APPLICABLE, "no running instances in the region"
    else:
        status = Status.PASS if len(zones) >= minimum else Status.FAIL
        reason = f"running instances in {len(zones)} zone(s) ({', '.join(sorted(zones))}); "
        reason += f"at least {minimum} required"
    yield ec2_result(
        "ec2_instances_multi_az",
        ctx,
        snapshot,
        region_id(snapshot, ctx),
        "AWS::EC2::Region",
        status,
        reason,
        {"running_instances_by_zone": zones, "min_availability_zones": minimum},
        (snapshot.instances.call,),
    )
