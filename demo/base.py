"""The demo seeder's constants and plumbing: clients, optional steps, names, a certificate."""

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
    "ec2_ebs_snapshot_not_public: DescribeSnapshots ignores RestorableByUserIds, so every "
    "snapshot reads as public (FAIL only)",
    "backup, config rule compliance, Trusted Advisor and Service Quotas usage: not implemented "
    "(ERROR); inspector2 returns no account status (ERROR)",
)


def policy_document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class SeederBase:
    """What every area's steps share: clients, optional steps, names, refs between steps."""

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
