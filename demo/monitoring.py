"""Demo logging and monitoring: CloudTrail trails, CloudWatch Logs groups, CIS metric alarms."""

from __future__ import annotations

from demo.base import (
    SeederBase,
)

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
        "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || "
        "($.eventName = ModifySecurityGroupRules) }"
    ),
}


class MonitoringSeeder(SeederBase):
    """The logging step: trails, log groups, metric filters, alarms."""

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
