from django.db import models

__all__ = ["SEVERITY_RANK", "Event", "EventKind", "ImmutableEventError", "Severity"]


class EventKind(models.TextChoices):
    CONTROL_FAILING = "control.failing", "Control started failing"
    CONTROL_PASSING = "control.passing", "Control passing again"
    FINDING_NEW = "finding.new", "New high-severity finding"
    RUN_FAILED = "run.failed", "Collection run failed"
    RUN_WITH_ERRORS = "run.finished_with_errors", "Collection run finished with errors"
    ACCOUNT_UNASSUMABLE = "account.unassumable", "Account role could not be assumed"
    EVIDENCE_DUE = "evidence.due", "Evidence due soon"
    EVIDENCE_OVERDUE = "evidence.overdue", "Evidence overdue"
    EVIDENCE_REJECTED = "evidence.rejected", "Evidence rejected"
    EXCEPTION_EXPIRING = "exception.expiring", "Exception expiring"
    EXCEPTION_EXPIRED = "exception.expired", "Exception expired"
    ATTESTATION_EXPIRING = "attestation.expiring", "Provider attestation expiring"
    ATTESTATION_EXPIRED = "attestation.expired", "Provider attestation expired"
    PACKET_READY = "packet.ready", "Evidence packet ready"
    TEST = "test", "Test event"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class ImmutableEventError(Exception):
    pass


class Event(models.Model):
    """Something worth telling people about, recorded once: ``key`` makes a redelivered run or a
    second daily sweep find the existing row instead of writing another."""

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    title = models.CharField(max_length=500)
    account = models.ForeignKey(
        "collection.AwsAccount", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    control = models.ForeignKey(
        "catalog.Control", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    framework = models.ForeignKey(
        "catalog.Framework", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(
        "collection.CollectionRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["-occurred_at"]), models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        # Events are a record of what happened; a changed event would make deliveries disagree.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableEventError("events are immutable")
        super().save(*args, **kwargs)
