from django.conf import settings
from django.db import models

from evidence.manual.models.files import StoredFile
from evidence.manual.models.submissions import ReviewStatus

__all__ = ["ProviderAttestation"]


class ProviderAttestation(models.Model):
    """A provider's report (e.g. AWS's SOC 2 Type II) covering AWS's part of inherited and
    shared controls for its period, and the company's answers to its CUECs."""

    class Kind(models.TextChoices):
        SOC2_TYPE2 = "soc2_type2", "SOC 2 Type II report"
        ISO27001 = "iso27001", "ISO/IEC 27001 certificate"
        PCI_AOC = "pci_aoc", "PCI DSS attestation of compliance"
        BRIDGE_LETTER = "bridge_letter", "Bridge letter"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    catalog_attestation = models.ForeignKey(
        "catalog.Attestation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    issuer = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    scope = models.TextField(blank=True)
    stored_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="attestations"
    )
    filename = models.CharField(max_length=255, blank=True)
    controls = models.ManyToManyField("catalog.Control", related_name="provider_attestations")
    # [{"cuec": "what AWS expects of its customers", "answer": "how/which control answers it"}]
    cuecs = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_end", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.period_start}..{self.period_end})"
