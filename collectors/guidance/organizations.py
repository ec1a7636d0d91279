"""Guidance for organization-level guardrails (AWS Organizations, read from the management
account): SCPs that protect the audit trail, the organization trail, an empty management account,
and GuardDuty, Security Hub and AWS Config administered for the whole organization.
"""

from __future__ import annotations

from collectors.guidance.base import Guidance

SCP_CONSOLE = (
    "AWS Organizations (management account) > Policies > Service control policies > Create "
    "policy with the Deny statement below > Targets > Attach to the Root (exempt only a "
    "break-glass role with an ArnNotLike aws:PrincipalArn condition)."
)


def scp_cli(name: str, actions: list[str]) -> str:
    action_list = ", ".join(f'"{action}"' for action in actions)
    content = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", '
        f'"Action": [{action_list}], "Resource": "*"}}]}}'
    )
    return (
        f"aws organizations create-policy --name {name} --type SERVICE_CONTROL_POLICY "
        f"--description <description> --content '{content}'"
    )


GUIDANCE: dict[str, Guidance] = {
    "organizations_scp_protects_cloudtrail": Guidance(
        rationale=(
            "Anyone with administrator rights in a member account could stop or delete its "
            "trail and act unrecorded; an SCP on the root takes that right away from everyone."
        ),
        console=SCP_CONSOLE,
        cli=scp_cli(
            "deny-cloudtrail-tampering",
            ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail"],
        ),
    ),
    "organizations_scp_protects_config": Guidance(
        rationale=(
            "AWS Config's history is the evidence of how resources were configured; an SCP "
            "stops a member account from switching the recorder off."
        ),
        console=SCP_CONSOLE,
        cli=scp_cli(
            "deny-config-tampering",
            [
                "config:StopConfigurationRecorder",
                "config:DeleteConfigurationRecorder",
                "config:DeleteDeliveryChannel",
            ],
        ),
    ),
    "organizations_scp_denies_leave": Guidance(
        rationale=(
            "An account that leaves the organization also leaves every SCP, the organization "
            "trail and the delegated security services: deny it for everyone."
        ),
        console=SCP_CONSOLE,
        cli=scp_cli("deny-leave-organization", ["organizations:LeaveOrganization"]),
    ),
    "organizations_cloudtrail_org_trail": Guidance(
        rationale=(
            "An organization trail records every account's activity, including accounts created "
            "later, into one bucket member accounts cannot change."
        ),
        console=(
            "CloudTrail (management account or delegated administrator) > Trails > Create "
            "trail > Enable for all accounts in my organization; then Start logging."
        ),
        cli=(
            "aws cloudtrail create-trail --name <trail-name> --s3-bucket-name <log-bucket> "
            "--is-organization-trail --is-multi-region-trail --enable-log-file-validation"
        ),
    ),
    "organizations_management_no_workloads": Guidance(
        rationale=(
            "SCPs never apply to the management account, so a workload there runs outside "
            "every guardrail and its compromise reaches the whole organization."
        ),
        console=(
            "EC2 (management account) > Instances: move each workload to a member account "
            "(create an image, share it, launch it there), then terminate it here."
        ),
        cli="aws ec2 terminate-instances --instance-ids <instance-id>",
    ),
    "organizations_guardduty_delegated_admin": Guidance(
        rationale=(
            "A delegated administrator (a security tooling member account) sees every "
            "account's GuardDuty findings in one place, without anyone working in the "
            "management account, which no SCP restricts."
        ),
        console=(
            "GuardDuty (management account) > Settings > Delegated administrator: enter the "
            "security account id > Delegate; repeat in every region you use."
        ),
        cli=(
            "aws guardduty enable-organization-admin-account --admin-account-id "
            "<security-account-id> --region <region>"
        ),
    ),
    "organizations_guardduty_auto_enable": Guidance(
        rationale=(
            "An account created or invited later is monitored from its first day only if "
            "GuardDuty enables itself there; otherwise threats in it go unseen until someone "
            "notices."
        ),
        console=(
            "GuardDuty (delegated administrator) > Accounts > Auto-enable GuardDuty: "
            "Enable for all accounts (or new accounts); repeat in every region."
        ),
        cli=(
            "aws guardduty update-organization-configuration --detector-id <detector-id> "
            "--auto-enable-organization-members ALL --region <region>"
        ),
    ),
    "organizations_securityhub_delegated_admin": Guidance(
        rationale=(
            "A delegated administrator aggregates every account's Security Hub findings and "
            "standards results, administered outside the management account."
        ),
        console=(
            "Security Hub (management account) > Settings > General > Delegated "
            "administrator: enter the security account id > Delegate."
        ),
        cli=(
            "aws securityhub enable-organization-admin-account --admin-account-id "
            "<security-account-id> --region <region>"
        ),
    ),
    "organizations_securityhub_auto_enable": Guidance(
        rationale=(
            "New accounts get Security Hub and its standards automatically, so their "
            "misconfigurations are reported from the day they are created."
        ),
        console=(
            "Security Hub (delegated administrator) > Configuration > Organization: choose "
            "central configuration with a policy that enables Security Hub on the root (or, "
            "with local configuration, turn on Auto-enable accounts in every region)."
        ),
        cli=(
            "aws securityhub update-organization-configuration --auto-enable "
            "--auto-enable-standards DEFAULT --region <region>"
        ),
    ),
    "organizations_config_aggregator": Guidance(
        rationale=(
            "An organization aggregator shows every account's and region's resources and rule "
            "compliance in one view, including accounts that join later."
        ),
        console=(
            "AWS Config (management account or Config's delegated administrator) > "
            "Aggregators > Create aggregator > Add my organization > Include all regions."
        ),
        cli=(
            "aws configservice put-configuration-aggregator --configuration-aggregator-name "
            "<name> --organization-aggregation-source "
            "RoleArn=<aggregator-role-arn>,AllAwsRegions=true"
        ),
    ),
}
