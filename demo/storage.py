"""Demo storage: S3 buckets (and trail bucket policies), EBS volumes and snapshots, RDS, EFS."""

from __future__ import annotations

from typing import Any

from demo.base import (
    XSS_TAG_VALUE,
    SeederBase,
    policy_document,
)


class StorageSeeder(SeederBase):
    """The s3, ebs, rds and efs steps: where the data lives, encrypted or not."""

    # --- S3 -----------------------------------------------------------------------------------

    def create_bucket(self, purpose: str, region: str) -> str:
        name = self.bucket_name(purpose)
        params: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        self.client("s3", region).create_bucket(**params)
        self.counts["s3_buckets"] += 1
        return name

    def block_public_access(self, name: str, region: str) -> None:
        self.client("s3", region).put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )

    def encrypt(self, name: str, region: str, kms_key: str | None = None) -> None:
        rule: dict[str, Any] = {"SSEAlgorithm": "aws:kms" if kms_key else "AES256"}
        if kms_key:
            rule["KMSMasterKeyID"] = kms_key
        self.client("s3", region).put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": rule, "BucketKeyEnabled": True}]
            },
        )

    @staticmethod
    def tls_only_statement(name: str) -> dict[str, Any]:
        return {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }

    def s3(self) -> None:
        primary, s3 = self.primary, self.client("s3")
        # Access-log bucket: private, encrypted, receives server access logs via its policy.
        logs = self.create_bucket("access-logs", primary)
        self.block_public_access(logs, primary)
        self.encrypt(logs, primary)
        s3.put_bucket_policy(
            Bucket=logs,
            Policy=policy_document(
                {
                    "Sid": "S3ServerAccessLogsPolicy",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{logs}/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": self.account_id}},
                },
                self.tls_only_statement(logs),
            ),
        )
        self.refs["logs_bucket"] = logs

        # Prod customer data: everything on.
        prod = self.create_bucket("prod-customer-data", primary)
        self.block_public_access(prod, primary)
        self.encrypt(prod, primary, self.refs.get("kms_prod"))
        s3.put_bucket_versioning(Bucket=prod, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_policy(Bucket=prod, Policy=policy_document(self.tls_only_statement(prod)))
        s3.put_bucket_logging(
            Bucket=prod,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": f"{prod}/"}
            },
        )
        s3.put_bucket_tagging(
            Bucket=prod,
            Tagging={
                "TagSet": [
                    {"Key": "env", "Value": "prod"},
                    {"Key": "data-classification", "Value": "confidential"},
                ]
            },
        )
        self.refs["prod_bucket"] = prod

        # Public marketing assets: readable by anyone through the policy and the ACL.
        assets_region = self.secondary[0] if self.secondary else primary
        assets = self.create_bucket("public-assets", assets_region)
        assets_s3 = self.client("s3", assets_region)
        self.attempt(
            f"s3 PutBucketOwnershipControls on {assets}",
            lambda: assets_s3.put_bucket_ownership_controls(
                Bucket=assets,
                OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]},
            ),
        )
        self.attempt(
            f"s3 PutBucketAcl public-read on {assets}",
            lambda: assets_s3.put_bucket_acl(Bucket=assets, ACL="public-read"),
        )
        assets_s3.put_bucket_policy(
            Bucket=assets,
            Policy=policy_document(
                {
                    "Sid": "PublicReadGetObject",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{assets}/*",
                }
            ),
        )
        assets_s3.put_bucket_tagging(
            Bucket=assets,
            Tagging={
                "TagSet": [
                    {"Key": "env", "Value": "prod"},
                    {"Key": "owner", "Value": XSS_TAG_VALUE},
                ]
            },
        )
        assets_s3.put_object(
            Bucket=assets, Key="img/logo.svg", Body=b"<svg/>", ContentType="image/svg+xml"
        )
        self.refs["assets_bucket"] = assets

        # CloudTrail bucket: private, CloudTrail may write, access logged.
        trail = self.create_bucket("cloudtrail", primary)
        self.block_public_access(trail, primary)
        self.encrypt(trail, primary)
        s3.put_bucket_versioning(Bucket=trail, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_policy(Bucket=trail, Policy=self.trail_bucket_policy(trail))
        s3.put_bucket_logging(
            Bucket=trail,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": f"{trail}/"}
            },
        )
        self.refs["trail_bucket"] = trail

        # A bucket for a second, hurriedly created trail: private, but no access logging.
        data_events = self.create_bucket("cloudtrail-data-events", primary)
        self.block_public_access(data_events, primary)
        s3.put_bucket_policy(Bucket=data_events, Policy=self.trail_bucket_policy(data_events))
        self.refs["data_events_bucket"] = data_events

        # Account-level S3 Block Public Access is deliberately left off.

    def trail_bucket_policy(self, name: str) -> str:
        service = {"Service": "cloudtrail.amazonaws.com"}
        return policy_document(
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{name}",
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{name}/AWSLogs/{self.account_id}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
            self.tls_only_statement(name),
        )

    # --- EBS ----------------------------------------------------------------------------------

    def ebs(self) -> None:
        """One encrypted and one unencrypted data volume, one public and one private snapshot."""
        ec2 = self.client("ec2")
        zone = self.refs["subnets"][0]["AvailabilityZone"]
        encrypted = ec2.create_volume(
            AvailabilityZone=zone,
            Size=100,
            VolumeType="gp3",
            Encrypted=True,
            KmsKeyId=self.refs.get("kms_prod", "alias/aws/ebs"),
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "acme-app-data"}]}
            ],
        )["VolumeId"]
        plain = ec2.create_volume(
            AvailabilityZone=zone,
            Size=50,
            VolumeType="gp2",
            Encrypted=False,
            TagSpecifications=[
                {
                    "ResourceType": "volume",
                    "Tags": [
                        {"Key": "Name", "Value": "legacy-reporting-scratch"},
                        {"Key": "owner", "Value": XSS_TAG_VALUE},
                    ],
                }
            ],
        )["VolumeId"]
        self.counts["ebs_volumes"] += 2
        private = ec2.create_snapshot(VolumeId=encrypted, Description="acme-app-data nightly")
        public = ec2.create_snapshot(VolumeId=plain, Description="reporting scratch for vendor")
        ec2.modify_snapshot_attribute(
            SnapshotId=public["SnapshotId"],
            Attribute="createVolumePermission",
            OperationType="add",
            GroupNames=["all"],
        )
        self.refs.update(
            private_snapshot=private["SnapshotId"], public_snapshot=public["SnapshotId"]
        )
        self.counts["ebs_snapshots"] += 2

    # --- RDS, EFS -----------------------------------------------------------------------------

    def rds(self) -> None:
        rds = self.client("rds")
        rds.create_db_instance(
            DBInstanceIdentifier="acme-prod-postgres",
            DBInstanceClass="db.r6g.large",
            Engine="postgres",
            EngineVersion="16.3",
            MasterUsername="acme_admin",
            MasterUserPassword="not-a-real-password-1",
            AllocatedStorage=100,
            StorageEncrypted=True,
            KmsKeyId=self.refs.get("kms_prod", "alias/aws/rds"),
            MultiAZ=True,
            PubliclyAccessible=False,
            BackupRetentionPeriod=7,
            AutoMinorVersionUpgrade=True,
            VpcSecurityGroupIds=[self.refs["db_sg"]],
            DeletionProtection=True,
            Tags=[{"Key": "env", "Value": "prod"}],
        )
        rds.create_db_instance(
            DBInstanceIdentifier="acme-legacy-reporting",
            DBInstanceClass="db.t3.small",
            Engine="mysql",
            EngineVersion="8.0.35",
            MasterUsername="admin",
            MasterUserPassword="not-a-real-password-2",
            AllocatedStorage=20,
            StorageEncrypted=False,
            MultiAZ=False,
            PubliclyAccessible=True,
            BackupRetentionPeriod=1,
            AutoMinorVersionUpgrade=False,
            Tags=[{"Key": "env", "Value": "legacy"}],
        )
        self.counts["rds_instances"] += 2
        rds.create_db_snapshot(
            DBSnapshotIdentifier="acme-prod-postgres-pre-migration",
            DBInstanceIdentifier="acme-prod-postgres",
        )
        rds.create_db_snapshot(
            DBSnapshotIdentifier="acme-legacy-reporting-vendor-share",
            DBInstanceIdentifier="acme-legacy-reporting",
        )
        rds.modify_db_snapshot_attribute(
            DBSnapshotIdentifier="acme-legacy-reporting-vendor-share",
            AttributeName="restore",
            ValuesToAdd=["all"],
        )
        self.counts["rds_snapshots"] += 2

    def efs(self) -> None:
        efs = self.client("efs")
        efs.create_file_system(
            CreationToken="acme-shared-uploads",
            PerformanceMode="generalPurpose",
            Encrypted=True,
            KmsKeyId=self.refs.get("kms_prod", "alias/aws/elasticfilesystem"),
            Tags=[{"Key": "Name", "Value": "acme-shared-uploads"}],
        )
        efs.create_file_system(
            CreationToken="acme-build-cache",
            PerformanceMode="generalPurpose",
            Encrypted=False,
            Tags=[{"Key": "Name", "Value": "acme-build-cache"}],
        )
        self.counts["efs_file_systems"] += 2
