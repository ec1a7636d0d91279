from django.db import models

from evidence.collection.models.accounts import AwsAccount
from evidence.collection.models.runs import CollectionRun

__all__ = ["ControlStatus", "ControlStatusDaily", "ControlStatusEvent", "PostureDaily"]


class ControlStatus(models.TextChoices):
    PASS = "pass", "Passing"
    FAIL = "fail", "Failing"
    PARTIAL = "partial", "Partial"
    NOT_EVIDENCED = "not_evidenced", "Not evidenced"


class ControlStatusDaily(models.Model):
    """Rollup: a control's status in one account on one day, written when a run finishes."""

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="+")
    control = models.ForeignKey("catalog.Control", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    status = models.CharField(max_length=16, choices=ControlStatus.choices)
    pass_count = models.PositiveIntegerField(default=0)
    fail_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    run = models.ForeignKey(CollectionRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "evidence_controlstatusdaily"
        ordering = ["control", "account", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["control", "account", "day"], name="control_status_daily_unique"
            )
        ]
        indexes = [models.Index(fields=["account", "day"])]

    def __str__(self) -> str:
        return f"{self.control_id}@{self.account_id} {self.day}: {self.status}"


class ControlStatusEvent(models.Model):
    """A control's status changed in an account (e.g. pass -> fail), as found by a run."""

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="+")
    control = models.ForeignKey("catalog.Control", on_delete=models.CASCADE, related_name="+")
    previous_status = models.CharField(max_length=16, choices=ControlStatus.choices, blank=True)
    status = models.CharField(max_length=16, choices=ControlStatus.choices)
    occurred_at = models.DateTimeField()
    run = models.ForeignKey(CollectionRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "evidence_controlstatusevent"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.control_id}@{self.account_id}: {self.previous_status} -> {self.status}"


class PostureDaily(models.Model):
    """Rollup: how many controls pass/fail in an account on a day, for trend charts."""

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    passing = models.PositiveIntegerField(default=0)
    failing = models.PositiveIntegerField(default=0)
    partial = models.PositiveIntegerField(default=0)
    not_evidenced = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "evidence_posturedaily"
        ordering = ["account", "day"]
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="posture_daily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}: {self.passing} passing"
