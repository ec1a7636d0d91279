"""Demo detective and patching services: AWS Config, GuardDuty, Security Hub, SSM patching."""

from __future__ import annotations

from demo.base import (
    SeederBase,
)


class DetectionSeeder(SeederBase):
    """The detection and ssm steps: Config, GuardDuty, Security Hub, patching."""

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
