from django.db import models

from evidence.collection.models.accounts import AwsAccount
from evidence.collection.models.runs import CollectionRun

__all__ = [
    "POSTURE_FIELDS",
    "ControlStatus",
    "ControlStatusDaily",
    "ControlStatusEvent",
    "PostureDaily",
]


class ControlStatus(models.TextChoices):
    """A control's status in one account on one day: the same word on every page, API and packet.

    passing: everything that evidences it does (checks pass, required documents approved);
    failing: an in-scope resource fails and no approved exception covers it;
    excepted: every failure is covered by an approved, unexpired exception;
    incomplete: nothing fails, but some part could not be read;
    evidence overdue / expired: a required document is late or its approval has lapsed;
    not evidenced: nothing evidences it (no result, no approved document).
    """

    PASS = "pass", "Passing"
    FAIL = "fail", "Failing"
    EXCEPTED = "excepted", "Excepted"
    INCOMPLETE = "incomplete", "Incomplete"
    EVIDENCE_OVERDUE = "evidence_overdue", "Evidence overdue"
    EVIDENCE_EXPIRED = "evidence_expired", "Evidence expired"
    NOT_EVIDENCED = "not_evidenced", "Not evidenced"


# PostureDaily's count column for each status.
POSTURE_FIELDS = {
    ControlStatus.PASS: "passing",
    ControlStatus.FAIL: "failing",
    ControlStatus.EXCEPTED: "excepted",
    ControlStatus.INCOMPLETE: "incomplete",
    ControlStatus.EVIDENCE_OVERDUE: "evidence_overdue",
    ControlStatus.EVIDENCE_EXPIRED: "evidence_expired",
    ControlStatus.NOT_EVIDENCED: "not_evidenced",
}


class ControlStatusDaily(models.Model):
    """Rollup: a control's status in one account on one day, written when a run finishes."""

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="+")
    control = models.ForeignKey("catalog.Control", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    status = models.CharField(max_length=16, choices=ControlStatus.choices)
    pass_count = models.PositiveIntegerField(default=0)
    fail_count = models.PositiveIntegerField(default=0, help_text="Failures no exception covers")
    excepted_count = models.PositiveIntegerField(default=0)
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
    excepted = models.PositiveIntegerField(default=0)
    incomplete = models.PositiveIntegerField(default=0)
    evidence_overdue = models.PositiveIntegerField(default=0)
    evidence_expired = models.PositiveIntegerField(default=0)
    not_evidenced = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "evidence_posturedaily"
        ordering = ["account", "day"]
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="posture_daily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}: {self.passing} passing"
