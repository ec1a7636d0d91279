from django.db import models

from evidence.collection.models.accounts import AwsAccount
from evidence.collection.models.runs import CollectionRun

__all__ = ["CheckResult", "EvidenceDocument", "ImmutableEvidenceError", "Resource"]


class ImmutableEvidenceError(Exception):
    """Raised on an attempt to change or delete stored evidence outside retention."""


class EvidenceDocument(models.Model):
    """A raw configuration document as AWS returned it, stored once under its SHA-256.

    ``content`` holds the configuration and the API calls (operation, parameters) it was read
    from. Later runs that see the same content point at the same row, so storage grows with
    configuration changes, not with how often we collect. Rows are never updated.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    content = models.JSONField()
    size = models.PositiveIntegerField(help_text="Bytes of the canonical JSON")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "evidence_evidencedocument"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.sha256

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ImmutableEvidenceError("Evidence documents are immutable once written.")
        super().save(*args, **kwargs)


class Resource(models.Model):
    """An AWS resource (or account-level setting) that checks evaluate."""

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="resources")
    arn = models.CharField(max_length=1024)
    resource_type = models.CharField(max_length=128)
    region = models.CharField(max_length=32)
    service = models.CharField(max_length=64)

    class Meta:
        db_table = "evidence_resource"
        ordering = ["arn"]
        constraints = [
            models.UniqueConstraint(fields=["account", "arn"], name="resource_unique_arn")
        ]

    def __str__(self) -> str:
        return self.arn


class CheckResult(models.Model):
    """One check on one resource in one run: the verdict, its reason and the evidence cited."""

    class Status(models.TextChoices):
        PASS = "PASS", "Pass"
        FAIL = "FAIL", "Fail"
        ERROR = "ERROR", "Error"
        NOT_APPLICABLE = "NOT_APPLICABLE", "Not applicable"

    run = models.ForeignKey(CollectionRun, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(
        "collection.CollectionUnit", on_delete=models.CASCADE, related_name="results"
    )
    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="results")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="results")
    check_id = models.CharField(max_length=100)
    check_version = models.CharField(max_length=16, default="1")
    region = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.TextField()
    evidence = models.ForeignKey(
        EvidenceDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="results"
    )
    collected_at = models.DateTimeField()

    class Meta:
        db_table = "evidence_checkresult"
        ordering = ["-collected_at", "-id"]
        indexes = [
            models.Index(fields=["account", "check_id", "-collected_at"]),
            models.Index(fields=["account", "status", "-collected_at"]),
            models.Index(fields=["run", "check_id"]),
            models.Index(fields=["resource", "-collected_at"]),
            # Newest-first listings across all accounts (API: no account filter, or only
            # status / check / time range), read in order with a LIMIT instead of sorted.
            models.Index(fields=["-collected_at", "-id"], name="checkresult_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.check_id} {self.status} {self.resource_id}"
