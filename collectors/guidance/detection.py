"""Guidance for threat detection, account contacts and capacity: the regional security services."""

from __future__ import annotations

from collectors.guidance.base import Guidance

QUOTA_INCREASE_CLI = (
    "aws service-quotas request-service-quota-increase --service-code <service-code> "
    "--quota-code <quota-code> --desired-value <new-limit>"
)

GUIDANCE: dict[str, Guidance] = {
    "guardduty_enabled": Guidance(
        rationale=(
            "GuardDuty watches CloudTrail, DNS and flow logs for known attack behaviour; a "
            "region without it has no managed threat detection (SOC 2 CC7.2)."
        ),
        console=(
            "GuardDuty > Get started > Enable GuardDuty, in every region (or from the "
            "organisation's delegated administrator with auto-enable for member accounts)."
        ),
        cli=(
            "aws guardduty create-detector --enable "
            "--finding-publishing-frequency FIFTEEN_MINUTES --region <region>"
        ),
    ),
    "securityhub_enabled": Guidance(
        rationale=(
            "Security Hub gathers findings from the other security services in one place and "
            "scores the account against standards, so issues are seen and triaged."
        ),
        console=(
            "Security Hub > Go to Security Hub > choose the security standards > Enable Security "
            "Hub, in every region (or centrally from the delegated administrator)."
        ),
        cli="aws securityhub enable-security-hub --enable-default-standards --region <region>",
    ),
    "inspector_enabled": Guidance(
        rationale=(
            "Inspector scans instances, container images and functions for known "
            "vulnerabilities continuously; without it, vulnerability management lacks evidence."
        ),
        console=(
            "Amazon Inspector > Get started > Activate Inspector (per region, or organisation-"
            "wide from the delegated administrator) with EC2, ECR and Lambda scanning."
        ),
        cli=(
            "aws inspector2 enable --resource-types EC2 ECR LAMBDA "
            "--account-ids <account-id> --region <region>"
        ),
    ),
    "macie_enabled": Guidance(
        rationale=(
            "Macie finds personal and sensitive data in S3 and flags buckets that expose it; "
            "knowing where such data lives is a precondition for protecting it."
        ),
        console=(
            "Amazon Macie > Get started > Enable Macie (per region or from the delegated "
            "administrator), then turn on automated sensitive data discovery."
        ),
        cli=(
            "aws macie2 enable-macie --status ENABLED "
            "--finding-publishing-frequency FIFTEEN_MINUTES --region <region>"
        ),
    ),
    "accessanalyzer_enabled": Guidance(
        rationale=(
            "Access Analyzer reports resources shared outside the account or organisation; an "
            "analyzer in every region makes unintended external access visible."
        ),
        console=(
            "IAM > Access analyzer > Create analyzer: zone of trust Current account (or "
            "organisation) > Create analyzer, in each region."
        ),
        cli=(
            "aws accessanalyzer create-analyzer --analyzer-name <analyzer-name> "
            "--type ACCOUNT --region <region>"
        ),
    ),
    "account_security_contact": Guidance(
        rationale=(
            "AWS sends abuse and compromise notices to the security contact; if none is set "
            "they reach whoever owns the root email, possibly no one on the security team."
        ),
        console=(
            "Account (top-right menu) > Alternate contacts > Edit > Security contact: a "
            "monitored team mailbox and an on-call phone number > Update."
        ),
        cli=(
            "aws account put-alternate-contact --alternate-contact-type SECURITY "
            "--email-address <security-team-list@example.com> --name '<security-team>' "
            "--title '<on-call>' --phone-number '<+1-555-0100>'"
        ),
    ),
    "trusted_advisor_service_limits": Guidance(
        rationale=(
            "Reaching a service limit stops scaling or recovery at the worst moment; watching "
            "usage against limits supports capacity planning (SOC 2 A1.1)."
        ),
        console=(
            "Trusted Advisor > Service limits: for each item near its limit open Service Quotas "
            "> <service> > <quota> > Request increase at account level, or reduce usage."
        ),
        cli=QUOTA_INCREASE_CLI,
    ),
    "servicequotas_usage": Guidance(
        rationale=(
            "A quota at its threshold means the next scale-out or failover may be refused; "
            "requesting headroom early is the capacity-management control."
        ),
        console=(
            "Service Quotas > AWS services > <service> > <quota> > Request increase at account "
            "level; add a CloudWatch alarm on the quota's utilisation."
        ),
        cli=QUOTA_INCREASE_CLI,
    ),
}
