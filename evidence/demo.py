"""A simulated AWS account for demos: seeds a moto server through the ordinary boto3 APIs.

``seed_demo_account`` builds the account of "Acme Analytics", a small SaaS company, with a
deliberate mix of compliant and non-compliant resources across two regions, so that every
family of checks in ``collectors/aws`` has something to PASS and something to FAIL where moto
can model it. ``mutate_demo_account`` then makes a small configuration change, so a second
collection run shows history.

Plain boto3, no Django: the caller points boto3 at the moto server with ``AWS_ENDPOINT_URL``
(or runs inside ``moto.mock_aws``). Never point this at a real account.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

COMPANY = "acme"
DEFAULT_REGIONS = ("us-east-1", "eu-west-1")
SEED_MARKER = "/acme/grc-demo/seed-summary"  # SSM parameter holding the summary once seeded
DEMO_AMI = "ami-0c55b159cbfafe1f0"  # moto does not validate AMI ids unless asked to

# Hostile strings that the UI must render as text (escaping tests).
XSS_TAG_VALUE = '<script>alert("xss")</script>'
XSS_SG_DESCRIPTION = "<img src=x onerror=alert(1)>"

# CIS AWS Foundations metric filter patterns (CloudWatch monitoring section) for the three
# alarms the demo account has; the other CIS alarms are deliberately missing.
CIS_ALARMS: dict[str, str] = {
    "unauthorized_api_calls": (
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    ),
    "root_usage": (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
        '&& $.eventType != "AwsServiceEvent" }'
    ),
    "security_group_changes": (
        "{ ($.eventName = AuthorizeSecurityGroupIngress) || "
        "($.eventName = AuthorizeSecurityGroupEgress) || "
        "($.eventName = RevokeSecurityGroupIngress) || "
        "($.eventName = RevokeSecurityGroupEgress) || "
        "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"
    ),
}

# Checks the seed cannot steer in moto 5.2, whatever it creates.
MOTO_LIMITATIONS = (
    "iam root checks: the credential report has no <root_account> row and root has no MFA",
    "iam_credentials_unused / iam_access_key_rotated: key and password ages cannot be set, so "
    "every credential is brand new (PASS only)",
    "iam_server_certificates_not_expired: moto reports every server certificate as expiring "
    "in 2012 (FAIL only)",
    "cloudtrail_cloudwatch_logs: GetTrailStatus never reports LatestCloudWatchLogsDeliveryTime "
    "(FAIL only)",
    "cloudtrail: ListTrails/DescribeTrails show another region's trail only when it is "
    "multi-region, so both demo trails live in the primary region",
    "s3_bucket_mfa_delete: moto ignores MFADelete (FAIL only)",
    "ec2: EBS encryption by default is not applied to new root volumes",
    "accessanalyzer: not implemented; ssm: no DescribeInstanceInformation or patch compliance",
)
ASSUME_ROLE = "sts:AssumeRole"
# Console passwords of the simulated users: fake, and only ever sent to a moto server.
DEMO_PASSWORDS = {"alice": "Corr3ct-Horse-Battery!", "bob": "Summer2019!"}


def _trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": ASSUME_ROLE}
            ],
        }
    )


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class _Seeder:
    """Creates the demo resources; counts what it made and records what moto refused."""

    def __init__(self, session: boto3.Session, regions: Sequence[str]) -> None:
        if not regions:
            raise ValueError("at least one region is required")
        self.session = session
        self.regions = list(regions)
        self.primary = self.regions[0]
        self.secondary = self.regions[1:]
        self.counts: Counter[str] = Counter()
        self.unsupported: list[str] = []
        self._clients: dict[tuple[str, str], Any] = {}
        self.account_id = self.client("sts").get_caller_identity()["Account"]
        self.refs: dict[str, Any] = {}

    # --- plumbing -----------------------------------------------------------------------------

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.primary)
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=key[1])
        return self._clients[key]

    def attempt(self, what: str, action: Callable[[], Any]) -> Any:
        """Run one optional step; a moto gap (not implemented, unknown service) is recorded."""
        try:
            return action()
        except (ClientError, BotoCoreError, NotImplementedError) as exc:
            self.unsupported.append(f"{what}: {type(exc).__name__}: {exc}"[:300])
            return None

    def arn(self, service: str, region: str, resource: str) -> str:
        return f"arn:aws:{service}:{region}:{self.account_id}:{resource}"

    def bucket_name(self, purpose: str) -> str:
        return f"{COMPANY}-{purpose}-{self.account_id}"

    # --- IAM ----------------------------------------------------------------------------------

    def iam(self) -> None:
        iam = self.client("iam")
        # Weak password policy: short minimum, no reuse prevention, no symbols required.
        iam.update_account_password_policy(
            MinimumPasswordLength=8,
            RequireUppercaseCharacters=True,
            RequireLowercaseCharacters=True,
            RequireNumbers=True,
            RequireSymbols=False,
            AllowUsersToChangePassword=True,
            MaxPasswordAge=90,
        )
        self.counts["iam_password_policy"] += 1

        read_only = _policy(
            {
                "Sid": "ReadAnalyticsBuckets",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [
                    f"arn:aws:s3:::{self.bucket_name('prod-customer-data')}",
                    f"arn:aws:s3:::{self.bucket_name('prod-customer-data')}/*",
                ],
            }
        )
        engineers_policy = iam.create_policy(
            PolicyName="acme-engineers-data-read",
            PolicyDocument=read_only,
            Description="Read access to the analytics data buckets",
        )["Policy"]["Arn"]
        admin_policy = iam.create_policy(
            PolicyName="acme-ci-deploy-admin",
            PolicyDocument=_policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            Description="Legacy catch-all deploy permissions (to be scoped down)",
        )["Policy"]["Arn"]
        self.counts["iam_policies"] += 2

        iam.create_group(GroupName="engineers")
        iam.attach_group_policy(GroupName="engineers", PolicyArn=engineers_policy)
        self.attach_aws_policy("group", "engineers", "ReadOnlyAccess")
        self.counts["iam_groups"] += 1

        # alice: console user with a virtual MFA device, permissions through the group only.
        iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "platform"}])
        iam.create_login_profile(UserName="alice", Password=DEMO_PASSWORDS["alice"])
        iam.add_user_to_group(GroupName="engineers", UserName="alice")
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"][
            "SerialNumber"
        ]
        iam.enable_mfa_device(
            UserName="alice",
            SerialNumber=serial,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
        # bob: console user without MFA and a long-lived access key.
        iam.create_user(UserName="bob", Tags=[{"Key": "team", "Value": "sales-engineering"}])
        iam.create_login_profile(UserName="bob", Password=DEMO_PASSWORDS["bob"])
        iam.add_user_to_group(GroupName="engineers", UserName="bob")
        iam.create_access_key(UserName="bob")
        # ci-deploy: programmatic user, two active keys, a "*:*" policy attached directly.
        iam.create_user(UserName="ci-deploy", Path="/service/")
        iam.create_access_key(UserName="ci-deploy")
        iam.create_access_key(UserName="ci-deploy")
        iam.attach_user_policy(UserName="ci-deploy", PolicyArn=admin_policy)
        # metrics-exporter: programmatic user with one key and no direct policies.
        iam.create_user(UserName="metrics-exporter", Path="/service/")
        iam.add_user_to_group(GroupName="engineers", UserName="metrics-exporter")
        iam.create_access_key(UserName="metrics-exporter")
        self.counts["iam_users"] += 4
        self.counts["iam_access_keys"] += 4
        self.counts["iam_mfa_devices"] += 1

        support = iam.create_role(
            RoleName="acme-aws-support",
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{self.account_id}:root"},
                            "Action": ASSUME_ROLE,
                        }
                    ],
                }
            ),
            Description="Incident responders open AWS Support cases",
        )["Role"]
        if self.attach_aws_policy("role", support["RoleName"], "AWSSupportAccess"):
            self.refs["support_role"] = support["Arn"]
        for name, service in (
            ("acme-cloudtrail-to-cloudwatch", "cloudtrail.amazonaws.com"),
            ("acme-vpc-flow-logs", "vpc-flow-logs.amazonaws.com"),
            ("acme-config-recorder", "config.amazonaws.com"),
        ):
            self.refs[name] = iam.create_role(
                RoleName=name, AssumeRolePolicyDocument=_trust(service)
            )["Role"]["Arn"]
        self.attach_aws_policy("role", "acme-config-recorder", "service-role/AWS_ConfigRole")
        self.counts["iam_roles"] += 4

        # An old server certificate nobody removed (moto reports every one as expired in 2012).
        certificate, key = self.certificate()
        if certificate:
            iam.upload_server_certificate(
                ServerCertificateName="legacy-www-acme-example",
                CertificateBody=certificate,
                PrivateKey=key,
            )
            self.counts["iam_server_certificates"] += 1

        # IAM Access Analyzer in the primary region only (moto 5.2 has no Access Analyzer).
        if self.attempt(
            f"accessanalyzer CreateAnalyzer in {self.primary}",
            lambda: self.client("accessanalyzer").create_analyzer(
                analyzerName="acme-account-analyzer", type="ACCOUNT"
            ),
        ):
            self.counts["access_analyzers"] += 1

    def attach_aws_policy(self, kind: str, name: str, policy: str) -> bool:
        """Attach an AWS managed policy; moto knows them only when started with
        MOTO_IAM_LOAD_MANAGED_POLICIES=true (or mock_aws's iam.load_aws_managed_policies)."""
        iam = self.client("iam")
        arn = f"arn:aws:iam::aws:policy/{policy}"
        attach = {
            "user": lambda: iam.attach_user_policy(UserName=name, PolicyArn=arn),
            "group": lambda: iam.attach_group_policy(GroupName=name, PolicyArn=arn),
            "role": lambda: iam.attach_role_policy(RoleName=name, PolicyArn=arn),
        }[kind]
        if self.attempt(
            f"iam attach {arn} to {kind} {name} (start moto with "
            "MOTO_IAM_LOAD_MANAGED_POLICIES=true)",
            attach,
        ):
            self.counts["iam_aws_managed_policy_attachments"] += 1
            return True
        return False

    def certificate(self) -> tuple[str | None, str | None]:
        """A self-signed certificate for www.acme.example, valid for a year (PEM body, key)."""
        if "certificate" in self.refs:
            return self.refs["certificate"]
        try:
            from cryptography import x509
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.x509.oid import NameOID
        except ImportError:  # pragma: no cover - cryptography ships with moto
            self.unsupported.append("certificates: the cryptography package is not installed")
            self.refs["certificate"] = (None, None)
            return self.refs["certificate"]
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.acme.example")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName("www.acme.example")]), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        self.refs["certificate"] = (
            cert.public_bytes(serialization.Encoding.PEM).decode(),
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ).decode(),
        )
        return self.refs["certificate"]

    # --- KMS ----------------------------------------------------------------------------------

    def kms(self) -> None:
        kms = self.client("kms")
        prod = kms.create_key(
            Description="acme prod data (S3, EBS, RDS)",
            Tags=[{"TagKey": "env", "TagValue": "prod"}],
        )["KeyMetadata"]
        kms.enable_key_rotation(KeyId=prod["KeyId"])
        kms.create_alias(AliasName="alias/acme-prod-data", TargetKeyId=prod["KeyId"])
        legacy = kms.create_key(Description="acme legacy reporting app")["KeyMetadata"]
        kms.create_alias(AliasName="alias/acme-legacy-reporting", TargetKeyId=legacy["KeyId"])
        self.refs["kms_prod"] = prod["Arn"]
        self.counts["kms_keys"] += 2
        for region in self.secondary:
            audit = self.client("kms", region).create_key(Description="acme EU audit logs")[
                "KeyMetadata"
            ]
            self.client("kms", region).enable_key_rotation(KeyId=audit["KeyId"])
            self.counts["kms_keys"] += 1

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
            Policy=_policy(
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
        s3.put_bucket_policy(Bucket=prod, Policy=_policy(self.tls_only_statement(prod)))
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
            Policy=_policy(
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
        return _policy(
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

    # --- CloudTrail, CloudWatch Logs, alarms -----------------------------------------------

    def logging(self) -> None:
        primary = self.primary
        logs = self.client("logs")
        trail_group = "/acme/cloudtrail/management"
        logs.create_log_group(logGroupName=trail_group, tags={"env": "prod"})
        logs.put_retention_policy(logGroupName=trail_group, retentionInDays=365)
        logs.create_log_group(logGroupName="/acme/vpc/flow-logs")  # never expires
        self.counts["log_groups"] += 2
        for region in self.secondary:
            app = self.client("logs", region)
            app.create_log_group(logGroupName="/aws/lambda/acme-billing-webhook")
            app.put_retention_policy(
                logGroupName="/aws/lambda/acme-billing-webhook", retentionInDays=7
            )
            self.counts["log_groups"] += 1

        cloudtrail = self.client("cloudtrail")
        trail = cloudtrail.create_trail(
            Name="acme-org-trail",
            S3BucketName=self.refs["trail_bucket"],
            IsMultiRegionTrail=True,
            IncludeGlobalServiceEvents=True,
            EnableLogFileValidation=True,
            CloudWatchLogsLogGroupArn=self.arn("logs", primary, f"log-group:{trail_group}:*"),
            CloudWatchLogsRoleArn=self.refs["acme-cloudtrail-to-cloudwatch"],
        )
        cloudtrail.put_event_selectors(
            TrailName=trail["TrailARN"],
            EventSelectors=[
                {"ReadWriteType": "All", "IncludeManagementEvents": True},
                {
                    "ReadWriteType": "WriteOnly",
                    "IncludeManagementEvents": False,
                    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
                },
            ],
        )
        cloudtrail.start_logging(Name=trail["TrailARN"])
        self.counts["cloudtrail_trails"] += 1
        # A single-region trail in the same region (moto lists another region's trails only
        # when they are multi-region): KMS-encrypted, but no log file validation and no
        # CloudWatch Logs delivery.
        data = cloudtrail.create_trail(
            Name="acme-s3-data-events",
            S3BucketName=self.refs["data_events_bucket"],
            IsMultiRegionTrail=False,
            IncludeGlobalServiceEvents=False,
            EnableLogFileValidation=False,
            KmsKeyId=self.refs["kms_prod"],
        )
        cloudtrail.start_logging(Name=data["TrailARN"])
        self.counts["cloudtrail_trails"] += 1

        sns = self.client("sns")
        topic = sns.create_topic(Name="acme-security-alerts")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@acme.example")
        self.counts["sns_topics"] += 1
        cloudwatch = self.client("cloudwatch")
        for name, pattern in CIS_ALARMS.items():
            metric = f"cis-{name.replace('_', '-')}"
            logs.put_metric_filter(
                logGroupName=trail_group,
                filterName=metric,
                filterPattern=pattern,
                metricTransformations=[
                    {"metricName": metric, "metricNamespace": "CISBenchmark", "metricValue": "1"}
                ],
            )
            cloudwatch.put_metric_alarm(
                AlarmName=f"{metric}-alarm",
                MetricName=metric,
                Namespace="CISBenchmark",
                Statistic="Sum",
                Period=300,
                EvaluationPeriods=1,
                Threshold=1.0,
                ComparisonOperator="GreaterThanOrEqualToThreshold",
                TreatMissingData="notBreaching",
                AlarmActions=[topic],
            )
            self.counts["metric_filters"] += 1
            self.counts["cloudwatch_alarms"] += 1

    # --- Config, GuardDuty, Security Hub ----------------------------------------------------

    def detection(self) -> None:
        config = self.client("config")
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": self.refs["acme-config-recorder"],
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
            }
        )
        config.put_delivery_channel(
            DeliveryChannel={
                "name": "default",
                "s3BucketName": self.refs["logs_bucket"],
                "s3KeyPrefix": "config",
                "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"},
            }
        )
        config.start_configuration_recorder(ConfigurationRecorderName="default")
        self.counts["config_recorders"] += 1

        self.client("guardduty").create_detector(
            Enable=True,
            FindingPublishingFrequency="FIFTEEN_MINUTES",
            Tags={"env": "prod"},
        )
        self.counts["guardduty_detectors"] += 1

        if self.attempt(
            f"securityhub EnableSecurityHub in {self.primary}",
            lambda: self.client("securityhub").enable_security_hub(
                EnableDefaultStandards=True, Tags={"env": "prod"}
            ),
        ):
            self.counts["securityhub_hubs"] += 1

    # --- EC2, EBS, VPC ------------------------------------------------------------------------

    def default_vpc(self, region: str) -> tuple[str, list[dict[str, Any]]]:
        ec2 = self.client("ec2", region)
        vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
            "Subnets"
        ]
        return vpc["VpcId"], sorted(subnets, key=lambda s: s["AvailabilityZone"])

    def default_group(self, region: str, vpc_id: str) -> str:
        return self.client("ec2", region).describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )["SecurityGroups"][0]["GroupId"]

    def security_group(
        self, region: str, vpc_id: str, name: str, description: str, rules: list[dict[str, Any]]
    ) -> str:
        ec2 = self.client("ec2", region)
        group = ec2.create_security_group(
            GroupName=name,
            Description=description,
            VpcId=vpc_id,
            TagSpecifications=[
                {"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=rules)
        self.counts["security_groups"] += 1
        return group

    @staticmethod
    def tcp(port: int, cidr: str, description: str) -> dict[str, Any]:
        return {
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "IpRanges": [{"CidrIp": cidr, "Description": description}],
        }

    def ec2(self) -> None:
        primary = self.primary
        ec2 = self.client("ec2")
        vpc_id, subnets = self.default_vpc(primary)
        self.refs["vpc_id"], self.refs["subnets"] = vpc_id, subnets

        web = self.security_group(
            primary,
            vpc_id,
            "acme-web-alb",
            "Public HTTPS for the customer-facing load balancer",
            [self.tcp(443, "0.0.0.0/0", "HTTPS from anywhere"), self.tcp(80, "0.0.0.0/0", "HTTP")],
        )
        bastion = self.security_group(
            primary,
            vpc_id,
            "acme-bastion",
            XSS_SG_DESCRIPTION,
            [
                self.tcp(22, "0.0.0.0/0", "SSH from anywhere (temporary)"),
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "SSH over IPv6"}],
                },
            ],
        )
        app = self.security_group(primary, vpc_id, "acme-app", "Application servers", [])
        ec2.authorize_security_group_ingress(
            GroupId=app,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8080,
                    "ToPort": 8080,
                    "UserIdGroupPairs": [{"GroupId": web, "Description": "from the ALB"}],
                }
            ],
        )
        db = self.security_group(
            primary,
            vpc_id,
            "acme-db",
            "PostgreSQL from the app tier",
            [self.tcp(5432, "172.31.0.0/16", "VPC only")],
        )
        self.refs.update(web_sg=web, bastion_sg=bastion, app_sg=app, db_sg=db)
        # The primary region's default group is locked down (no rules either way).
        default = self.default_group(primary, vpc_id)
        self.attempt(
            f"ec2 RevokeSecurityGroupEgress on {default}",
            lambda: ec2.revoke_security_group_egress(
                GroupId=default,
                IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            ),
        )

        # Two custom network ACLs: one allowing RDP from the internet, one tight.
        dmz = ec2.create_network_acl(
            VpcId=vpc_id,
            TagSpecifications=[
                {"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "acme-dmz"}]}
            ],
        )["NetworkAcl"]["NetworkAclId"]
        ec2.create_network_acl_entry(
            NetworkAclId=dmz,
            RuleNumber=100,
            Protocol="6",
            RuleAction="allow",
            Egress=False,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": 3389, "To": 3389},
        )
        ec2.create_network_acl_entry(
            NetworkAclId=dmz,
            RuleNumber=110,
            Protocol="6",
            RuleAction="allow",
            Egress=False,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": 443, "To": 443},
        )
        data = ec2.create_network_acl(
            VpcId=vpc_id,
            TagSpecifications=[
                {"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "acme-data"}]}
            ],
        )["NetworkAcl"]["NetworkAclId"]
        ec2.create_network_acl_entry(
            NetworkAclId=data,
            RuleNumber=100,
            Protocol="6",
            RuleAction="allow",
            Egress=False,
            CidrBlock="172.31.0.0/16",
            PortRange={"From": 5432, "To": 5432},
        )
        ec2.create_network_acl_entry(
            NetworkAclId=data,
            RuleNumber=200,
            Protocol="-1",
            RuleAction="deny",
            Egress=False,
            CidrBlock="0.0.0.0/0",
        )
        self.counts["network_acls"] += 2

        # Two running instances in different AZs: IMDSv2 required on one, optional on the other.
        for index, tokens in enumerate(("required", "optional")):
            subnet = subnets[index % len(subnets)]
            ec2.run_instances(
                ImageId=DEMO_AMI,
                InstanceType="t3.medium",
                MinCount=1,
                MaxCount=1,
                SubnetId=subnet["SubnetId"],
                SecurityGroupIds=[app] if tokens == "required" else [bastion],
                MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
                TagSpecifications=[
                    {
                        "ResourceType": "instance",
                        "Tags": [
                            {"Key": "Name", "Value": f"acme-{'app' if index == 0 else 'bastion'}"}
                        ],
                    }
                ],
            )
            self.counts["ec2_instances"] += 1

        # EBS: one encrypted and one unencrypted data volume, one public and one private snapshot.
        zone = subnets[0]["AvailabilityZone"]
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

        # VPC flow logs on the primary region's default VPC only.
        ec2.create_flow_logs(
            ResourceIds=[vpc_id],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="cloud-watch-logs",
            LogGroupName="/acme/vpc/flow-logs",
            DeliverLogsPermissionArn=self.refs["acme-vpc-flow-logs"],
        )
        self.counts["flow_logs"] += 1

        for region in self.secondary:
            regional = self.client("ec2", region)
            regional.enable_ebs_encryption_by_default()
            eu_vpc, _ = self.default_vpc(region)
            # Someone opened the EU default group to the office network.
            regional.authorize_security_group_ingress(
                GroupId=self.default_group(region, eu_vpc),
                IpPermissions=[self.tcp(443, "203.0.113.0/24", "office")],
            )
            edge = self.security_group(
                region,
                eu_vpc,
                "acme-eu-edge",
                "HTTPS for the EU edge",
                [self.tcp(443, "0.0.0.0/0", "HTTPS from anywhere")],
            )
            # A single EU edge node: one Availability Zone only.
            regional.run_instances(
                ImageId=DEMO_AMI,
                InstanceType="t3.small",
                MinCount=1,
                MaxCount=1,
                SecurityGroupIds=[edge],
                MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
                TagSpecifications=[
                    {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "acme-eu-edge"}]}
                ],
            )
            self.counts["ec2_instances"] += 1

    # --- RDS, EFS, SSM, ELBv2 -----------------------------------------------------------------

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

    def ssm(self) -> None:
        # moto has no SSM agent registrations (DescribeInstanceInformation) or patch states, so
        # only the patching configuration is seeded.
        ssm = self.client("ssm")
        baseline = ssm.create_patch_baseline(
            Name="acme-amazon-linux-baseline",
            OperatingSystem="AMAZON_LINUX_2023",
            ApprovalRules={
                "PatchRules": [
                    {
                        "PatchFilterGroup": {
                            "PatchFilters": [
                                {"Key": "CLASSIFICATION", "Values": ["Security"]},
                                {"Key": "SEVERITY", "Values": ["Critical", "Important"]},
                            ]
                        },
                        "ApproveAfterDays": 7,
                    }
                ]
            },
            Description="Security patches 7 days after release",
        )["BaselineId"]
        ssm.register_patch_baseline_for_patch_group(BaselineId=baseline, PatchGroup="acme-prod")
        self.counts["ssm_patch_baselines"] += 1
        self.unsupported.append(
            "ssm: moto does not implement DescribeInstanceInformation or patch compliance, so "
            "no instance can be made SSM-managed or patch-compliant"
        )

    def elbv2(self) -> None:
        elbv2 = self.client("elbv2")
        subnets = [s["SubnetId"] for s in self.refs["subnets"][:2]]
        alb = elbv2.create_load_balancer(
            Name="acme-web",
            Subnets=subnets,
            SecurityGroups=[self.refs["web_sg"]],
            Scheme="internet-facing",
            Type="application",
            Tags=[{"Key": "env", "Value": "prod"}],
        )["LoadBalancers"][0]["LoadBalancerArn"]
        target_group = elbv2.create_target_group(
            Name="acme-web-app",
            Protocol="HTTP",
            Port=8080,
            VpcId=self.refs["vpc_id"],
            TargetType="instance",
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.create_listener(
            LoadBalancerArn=alb,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[
                {
                    "Type": "redirect",
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": "443",
                        "StatusCode": "HTTP_301",
                    },
                }
            ],
        )
        elbv2.create_listener(
            LoadBalancerArn=alb,
            Protocol="HTTP",
            Port=8080,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
        )
        self.counts["elbv2_load_balancers"] += 1
        self.counts["elbv2_listeners"] += 2
        certificate, key = self.certificate()
        if not certificate:
            return
        arn = self.attempt(
            "acm ImportCertificate",
            lambda: self.client("acm").import_certificate(
                Certificate=certificate.encode(), PrivateKey=key.encode()
            )["CertificateArn"],
        )
        if arn and self.attempt(
            "elbv2 CreateListener HTTPS",
            lambda: elbv2.create_listener(
                LoadBalancerArn=alb,
                Protocol="HTTPS",
                Port=443,
                SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                Certificates=[{"CertificateArn": arn}],
                DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
            ),
        ):
            self.counts["acm_certificates"] += 1
            self.counts["elbv2_listeners"] += 1

    # --- run ----------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        for step in (
            self.iam,
            self.kms,
            self.s3,
            self.logging,
            self.detection,
            self.ec2,
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
    summary = _Seeder(session, regions).run()
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
        IpPermissions=[_Seeder.tcp(3389, "0.0.0.0/0", "RDP for a vendor debugging session")],
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
