"""Seeding and drifting the demo account: the seeder composed of every area's steps."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import boto3
from botocore.exceptions import ClientError

from demo.base import COMPANY, DEFAULT_REGIONS, MOTO_LIMITATIONS, SEED_MARKER
from demo.detection import DetectionSeeder
from demo.identity import IdentitySeeder
from demo.monitoring import MonitoringSeeder
from demo.network import NetworkSeeder
from demo.storage import StorageSeeder


class DemoSeeder(IdentitySeeder, StorageSeeder, MonitoringSeeder, DetectionSeeder, NetworkSeeder):
    """Creates the demo resources; counts what it made and records what moto refused."""

    def run(self) -> dict[str, Any]:
        for step in (
            self.iam,
            self.kms,
            self.s3,
            self.logging,
            self.detection,
            self.ec2,
            self.ebs,
            self.rds,
            self.efs,
            self.ssm,
            self.elbv2,
        ):
            step()
        return {
            "account_id": self.account_id,
            "regions": self.regions,
            "counts": dict(sorted(self.counts.items())),
            "unsupported": self.unsupported,
            "moto_limitations": list(MOTO_LIMITATIONS),
        }


def _stored_summary(session: boto3.Session, region: str) -> dict[str, Any] | None:
    try:
        value = session.client("ssm", region_name=region).get_parameter(Name=SEED_MARKER)
    except ClientError:
        return None
    return json.loads(value["Parameter"]["Value"])


def seed_demo_account(
    session: boto3.Session, regions: Sequence[str] = DEFAULT_REGIONS
) -> dict[str, Any]:
    """Create the demo account's resources in the moto server ``session`` points at.

    Returns ``{"account_id", "regions", "counts": {kind: n}, "unsupported": [...]}``. A second
    call against the same server returns the stored summary with ``already_seeded`` set instead
    of creating duplicates.
    """
    regions = list(regions)
    stored = _stored_summary(session, regions[0])
    if stored is not None:
        return {**stored, "already_seeded": True}
    summary = DemoSeeder(session, regions).run()
    session.client("ssm", region_name=regions[0]).put_parameter(
        Name=SEED_MARKER, Value=json.dumps(summary), Type="String", Overwrite=True
    )
    return {**summary, "already_seeded": False}


def mutate_demo_account(
    session: boto3.Session, regions: Sequence[str] = DEFAULT_REGIONS
) -> list[dict[str, str]]:
    """Drift the seeded account: suspend prod bucket versioning and open RDP on the web SG.

    Returns one entry per change: what changed, on which resource, and the checks it affects.
    """
    region = next(iter(regions))
    account_id = session.client("sts", region_name=region).get_caller_identity()["Account"]
    bucket = f"{COMPANY}-prod-customer-data-{account_id}"
    session.client("s3", region_name=region).put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}
    )
    ec2 = session.client("ec2", region_name=region)
    group = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["acme-web-alb"]}]
    )["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[DemoSeeder.tcp(3389, "0.0.0.0/0", "RDP for a vendor debugging session")],
    )
    return [
        {
            "resource": f"arn:aws:s3:::{bucket}",
            "change": "versioning Enabled -> Suspended",
            "checks": "s3_bucket_versioning",
        },
        {
            "resource": f"arn:aws:ec2:{region}:{account_id}:security-group/{group}",
            "change": "added ingress tcp 3389 from 0.0.0.0/0",
            "checks": "ec2_sg_no_admin_ingress_ipv4",
        },
    ]
