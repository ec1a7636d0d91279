from django.conf import settings
from django.db import models

from evidence.collection.models.accounts import Environment

__all__ = ["EvidencePacket"]


class EvidencePacket(models.Model):
    """An auditor's export of one framework over an audit period: a signed, immutable ZIP."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    framework = models.ForeignKey("catalog.Framework", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    accounts = models.ManyToManyField("collection.AwsAccount", related_name="packets")
    # When requested for an OU: its path (the subtree's accounts at request time became
    # ``accounts``) and the environment that narrowed them, recorded for the cover and manifest.
    ou_path = models.CharField(max_length=1000, blank=True)
    environment = models.CharField(max_length=16, choices=Environment.choices, blank=True)
    sample_dates = models.JSONField(default=list, blank=True)
    sample_seed = models.CharField(max_length=64, blank=True, help_text="Seed of random samples")
    # {"seed": str, "sizes": {frequency: n}}: the per-control sample draw, recorded to repeat it.
    sampling = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="packets/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "evidence_evidencepacket"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.framework.slug} {self.period_start}..{self.period_end} ({self.status})"
