from django.conf import settings
from django.db import models
from django.db.models import Q

from evidence.collection.models.accounts import AwsAccount

__all__ = ["CollectionRun", "CollectionUnit"]


class CollectionRun(models.Model):
    """One collection of one account: its units, progress, outcome and who it ran as."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        MANUAL = "manual", "Manual"
        API = "api", "API"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        WITH_ERRORS = "finished_with_errors", "Finished with errors"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED_WITH_RESULTS = (Status.SUCCEEDED, Status.WITH_ERRORS)

    account = models.ForeignKey(AwsAccount, on_delete=models.PROTECT, related_name="runs")
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    regions = models.JSONField(default=list, blank=True)
    caller_identity = models.JSONField(default=dict, blank=True)
    product_version = models.CharField(max_length=32, blank=True)
    units_total = models.PositiveIntegerField(default=0)
    units_done = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)
    fail_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    not_applicable_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "evidence_collectionrun"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "-created_at"])]
        constraints = [
            # The lock: at most one queued or running collection per account.
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_run_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.account.account_id} ({self.status})"

    @property
    def progress(self) -> float:
        return self.units_done / self.units_total if self.units_total else 0.0


class CollectionUnit(models.Model):
    """One service in one region of a run: written in one transaction, so never half-stored."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        ERROR = "error", "Done with errors"

    run = models.ForeignKey(CollectionRun, on_delete=models.CASCADE, related_name="units")
    service = models.CharField(max_length=64)
    region = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    result_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # When the unit's task was last sent: only GRC_ACCOUNT_MAX_CONCURRENT_UNITS units of a run are
    # sent at a time (each finished unit sends the next), and a unit sent long ago that no worker
    # started is sent again by the reaper.
    queued_at = models.DateTimeField(null=True, blank=True)
    # Which worker took the unit and when: a unit whose worker stopped sending heartbeats (or
    # restarted since) is lost, and the reaper ends its run within minutes instead of hours.
    started_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "evidence_collectionunit"
        ordering = ["service", "region"]
        constraints = [
            models.UniqueConstraint(fields=["run", "service", "region"], name="unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service}/{self.region} ({self.status})"
