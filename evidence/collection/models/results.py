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
    """One verdict of one check on one resource, held unchanged over a span of runs.

    ``run``, ``unit`` and ``collected_at`` are the collection that first produced it. Every later
    run of the account whose unit of the same scope (``service``, ``unit_region``) completed
    reproduced it exactly, until ``ended_run``: the first such run that did not (null while it is
    current). A run's units are its observation record, so an unchanged result is stored once and
    still belongs to every run that saw it (``evidence.collection.selectors.results``). Setting
    ``ended_run`` once is the only update a row ever gets; its evidence is never rewritten.
    """

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
    collected_at = models.DateTimeField(help_text="When the first run of the span collected it")
    # The unit's scope, copied so that "observed in run R" is one index probe of R's units.
    service = models.CharField(max_length=64)
    unit_region = models.CharField(max_length=32)
    # PROTECT: a span must never look current again because the run that ended it was deleted
    # (retention keeps every run a remaining result points at).
    ended_run = models.ForeignKey(
        CollectionRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ended_results",
        help_text="The first later run whose unit of the same scope did not reproduce it",
    )

    class Meta:
        db_table = "evidence_checkresult"
        ordering = ["-collected_at", "-id"]
        indexes = [
            # The current spans of an account: the latest run's results, and ingest's comparison.
            models.Index(
                fields=["account", "service", "unit_region"],
                condition=models.Q(ended_run__isnull=True),
                name="checkresult_current_idx",
            ),
            # With it, a run's results are the current spans plus those ended after the run.
            models.Index(fields=["account", "ended_run"], name="checkresult_ended_idx"),
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
