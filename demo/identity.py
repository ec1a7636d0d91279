"""Demo IAM (users, groups, policies, roles, a server certificate, Access Analyzer) and KMS."""

from __future__ import annotations

import json

from demo.base import (
    SeederBase,
    policy_document,
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


class IdentitySeeder(SeederBase):
    """The iam and kms steps: who may do what, and the keys."""

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

        read_only = policy_document(
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
            PolicyDocument=policy_document({"Effect": "Allow", "Action": "*", "Resource": "*"}),
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
        # The app servers' role, through an instance profile: reads the customer data bucket.
        iam.create_role(
            RoleName="acme-app-server",
            AssumeRolePolicyDocument=_trust("ec2.amazonaws.com"),
            Description="Application servers read the analytics data buckets",
        )
        iam.put_role_policy(
            RoleName="acme-app-server", PolicyName="read-customer-data", PolicyDocument=read_only
        )
        self.refs["app_instance_profile"] = iam.create_instance_profile(
            InstanceProfileName="acme-app-server"
        )["InstanceProfile"]["Arn"]
        iam.add_role_to_instance_profile(
            InstanceProfileName="acme-app-server", RoleName="acme-app-server"
        )
        self.counts["iam_roles"] += 1
        self.counts["iam_instance_profiles"] += 1

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
