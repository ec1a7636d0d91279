"""Guidance for audit logging and monitoring: CloudTrail, the CIS alarms, Config, log retention."""

from __future__ import annotations

from collectors.aws.cloudwatch_patterns import CIS_PATTERNS
from collectors.guidance.base import Guidance

# Management events plus S3 object data events for every bucket, read and write. The call
# replaces the trail's selectors, so it keeps the management selector and serves both S3 checks.
S3_DATA_EVENTS_CLI = (
    "aws cloudtrail put-event-selectors --trail-name <trail-name> --advanced-event-selectors "
    '\'[{"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", '
    '"Equals": ["Management"]}]}, {"Name": "S3 object events", "FieldSelectors": '
    '[{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", '
    '"Equals": ["AWS::S3::Object"]}]}]\''
)
S3_DATA_EVENTS_CONSOLE = (
    "CloudTrail > Trails > <trail> > Data events > Edit > Add data event type: S3, log selector "
    "template Log all events (all buckets); keep the management events selector > Save changes."
)

GUIDANCE: dict[str, Guidance] = {
    "cloudtrail_multi_region_logging": Guidance(
        rationale=(
            "CloudTrail is the account's audit log; without a trail recording every "
            "management event in every region, no change can be attributed to anyone."
        ),
        console=(
            "CloudTrail > Trails > Create trail (or edit the existing one): enable for all "
            "regions, Management events Read and Write; a new trail must then be started "
            "(Start logging, or aws cloudtrail start-logging --name <trail-name>)."
        ),
        cli=(
            "aws cloudtrail create-trail --name <trail-name> --s3-bucket-name <log-bucket> "
            "--is-multi-region-trail --enable-log-file-validation --kms-key-id <kms-key-arn>"
        ),
    ),
    "cloudtrail_s3_object_write_events": Guidance(
        rationale=(
            "Management events do not show who uploaded, overwrote or deleted an object; "
            "object-level write events are needed to trace changes to stored data."
        ),
        console=S3_DATA_EVENTS_CONSOLE,
        cli=S3_DATA_EVENTS_CLI,
    ),
    "cloudtrail_s3_object_read_events": Guidance(
        rationale=(
            "Object-level read events show who downloaded which object, the evidence needed to "
            "decide whether a breach involved disclosure of data."
        ),
        console=S3_DATA_EVENTS_CONSOLE,
        cli=S3_DATA_EVENTS_CLI,
    ),
    "cloudtrail_log_file_validation": Guidance(
        rationale=(
            "Digest files let anyone prove later that log files were not altered or deleted, "
            "which is what makes the trail usable as audit evidence."
        ),
        console=(
            "CloudTrail > Trails > <trail> > General details > Edit > Additional settings > "
            "Log file validation: Enabled > Save changes."
        ),
        cli="aws cloudtrail update-trail --name <trail-name> --enable-log-file-validation",
    ),
    "cloudtrail_kms_encryption": Guidance(
        rationale=(
            "SSE-KMS adds a key policy and a decrypt audit trail on top of bucket permissions, "
            "so reading the audit log takes a second, separately granted permission."
        ),
        console=(
            "CloudTrail > Trails > <trail> > General details > Edit > Log file SSE-KMS "
            "encryption: Enabled, choose a key whose policy allows CloudTrail > Save changes."
        ),
        cli="aws cloudtrail update-trail --name <trail-name> --kms-key-id <kms-key-arn>",
    ),
    "cloudtrail_cloudwatch_logs": Guidance(
        rationale=(
            "Delivering the trail to CloudWatch Logs is what makes near-real-time alerting on "
            "suspicious API activity possible."
        ),
        console=(
            "CloudTrail > Trails > <trail> > CloudWatch Logs > Edit > Enabled, choose or create "
            "the log group and IAM role > Save changes."
        ),
        cli=(
            "aws cloudtrail update-trail --name <trail-name> "
            "--cloud-watch-logs-log-group-arn <log-group-arn> "
            "--cloud-watch-logs-role-arn <cloudtrail-to-logs-role-arn>"
        ),
    ),
    "cloudtrail_bucket_not_public": Guidance(
        rationale=(
            "Trail logs map the account's resources and activity; a public log bucket hands an "
            "attacker reconnaissance and lets them see whether they were noticed."
        ),
        console=(
            "S3 > Buckets > <trail log bucket> > Permissions: remove public grants from the "
            "policy and ACL, then Block public access > Edit > Block all public access > Save."
        ),
        cli=(
            "aws s3api put-public-access-block --bucket <trail-log-bucket> "
            "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
            "BlockPublicPolicy=true,RestrictPublicBuckets=true"
        ),
    ),
    "cloudtrail_bucket_access_logging": Guidance(
        rationale=(
            "Access logging on the trail bucket records who read or tried to tamper with the "
            "audit log itself."
        ),
        console=(
            "S3 > Buckets > <trail log bucket> > Properties > Server access logging > Edit > "
            "Enable, target a different bucket > Save changes."
        ),
        cli=(
            "aws s3api put-bucket-logging --bucket <trail-log-bucket> --bucket-logging-status "
            '\'{"LoggingEnabled": {"TargetBucket": "<access-log-bucket>", '
            '"TargetPrefix": "<trail-log-bucket>/"}}\''
        ),
    ),
    "config_recorder_all_regions": Guidance(
        rationale=(
            "AWS Config keeps the configuration history of every resource; without a recorder "
            "in each region, the state of a resource at a past date cannot be shown."
        ),
        console=(
            "AWS Config > Settings (in each region) > Edit: Recording strategy All resource "
            "types, choose the delivery bucket and role > Save; make sure Recording is on."
        ),
        cli=(
            "aws configservice put-configuration-recorder --configuration-recorder "
            "name=default,roleARN=<config-role-arn> "
            "--recording-group allSupported=true,includeGlobalResourceTypes=true"
        ),
    ),
    "config_rule_compliance": Guidance(
        rationale=(
            "Config rules are controls the organisation chose for itself; a resource that "
            "breaks one is a deviation the auditor will expect to see resolved or accepted."
        ),
        console=(
            "AWS Config > Rules > <rule> > Resources in scope: fix each non-compliant resource "
            "as the annotation says, or Actions > Manage remediation to attach an SSM action; "
            "exempt a resource only through the rule's scope, with a recorded reason."
        ),
        cli=(
            "aws configservice start-remediation-execution --config-rule-name <rule-name> "
            "--resource-keys resourceType=<resource-type>,resourceId=<resource-id>"
        ),
    ),
    "logs_retention": Guidance(
        rationale=(
            "Logs deleted too soon cannot support an investigation or show a control operated "
            "over the whole audit period; a year is the usual minimum."
        ),
        console=(
            "CloudWatch > Log groups > <log group> > Actions > Edit retention setting > "
            "1 year (or longer) > Save."
        ),
        cli=(
            "aws logs put-retention-policy --log-group-name <log-group-name> "
            "--retention-in-days 365"
        ),
    ),
}

# Why each CIS metric-filter alarm matters, by the CIS_PATTERNS name; the console steps and the
# command (with the filter pattern the check accepts) are common to all of them.
ALARM_RATIONALES: dict[str, str] = {
    "unauthorized_api_calls": (
        "A burst of access-denied errors often means someone is probing with stolen or "
        "misconfigured credentials."
    ),
    "console_no_mfa": (
        "A console sign-in without MFA points at a user who escaped the MFA requirement, "
        "or an attacker using only a password."
    ),
    "root_usage": (
        "Root activity should be rare and planned; an alert lets the team confirm each use "
        "was expected."
    ),
    "iam_policy_changes": (
        "Policy changes alter who can do what; alerting on them catches privilege escalation "
        "and unreviewed grants quickly."
    ),
    "cloudtrail_changes": (
        "Stopping or changing a trail is how an intruder hides their tracks; the audit log must "
        "alert when it is tampered with."
    ),
    "console_auth_failures": (
        "Repeated failed console sign-ins suggest password guessing against IAM users."
    ),
    "cmk_disable_deletion": (
        "Disabling or scheduling deletion of a KMS key can make encrypted data unreadable for "
        "good; it needs immediate attention."
    ),
    "s3_policy_changes": (
        "Bucket policy and ACL changes are how data ends up public; an alert shortens the "
        "exposure window."
    ),
    "config_changes": (
        "Stopping the Config recorder or its delivery channel blinds configuration monitoring "
        "and removes change history."
    ),
    "security_group_changes": (
        "Security group edits open or close network paths; unexpected ones may expose services "
        "to the internet."
    ),
    "nacl_changes": (
        "Network ACL changes alter subnet-level filtering and should follow change management."
    ),
    "network_gateway_changes": (
        "New or detached internet and customer gateways change how traffic enters and leaves "
        "the network."
    ),
    "route_table_changes": (
        "A changed route can send traffic around inspection points or out of the VPC."
    ),
    "vpc_changes": (
        "VPC and peering changes alter network boundaries that the system description relies on."
    ),
    "organizations_changes": (
        "Changes to the organisation, its accounts and service control policies affect the "
        "guardrails of every member account."
    ),
}

ALARM_CONSOLE = (
    "CloudWatch > Log groups > <trail log group> > Metric filters > Create metric filter: paste "
    "the pattern from the command, metric value 1; then create an alarm on that metric (Sum >= 1 "
    "per 5 minutes) that notifies an SNS topic with a confirmed subscription."
)


def _metric_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


for _name, (_watched, _patterns) in CIS_PATTERNS.items():
    GUIDANCE[f"cloudwatch_alarm_{_name}"] = Guidance(
        rationale=ALARM_RATIONALES.get(
            _name, f"An alarm on {_watched} lets the team react to it the same day."
        ),
        console=ALARM_CONSOLE,
        cli=(
            "aws logs put-metric-filter --log-group-name <trail-log-group> "
            f"--filter-name {_metric_name(_name)} --metric-transformations "
            f"metricName={_metric_name(_name)},metricNamespace=CISBenchmark,metricValue=1 "
            f"--filter-pattern '{_patterns[0]}'"
        ),
    )
