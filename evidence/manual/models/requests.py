from django.conf import settings
from django.db import models

__all__ = ["EvidenceRequest", "Frequency"]


class Frequency(models.TextChoices):
    ONCE = "once", "Once"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Semi-annual"
    ANNUAL = "annual", "Annual"


# Months one piece of evidence speaks for (once: for good).
FREQUENCY_MONTHS: dict[str, int | None] = {
    Frequency.ONCE: None,
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.SEMIANNUAL: 6,
    Frequency.ANNUAL: 12,
}


class EvidenceRequest(models.Model):
    """Evidence a person must provide for a control, again every period of its frequency."""

    control = models.ForeignKey(
        "catalog.Control", on_delete=models.CASCADE, related_name="manual_requests"
    )
    catalog_request = models.OneToOneField(
        "catalog.EvidenceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="manual_request",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence_requests_owned",
    )
    first_due_date = models.DateField(help_text="When the first evidence is due")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["control__ref", "title"]
        constraints = [
            models.UniqueConstraint(fields=["control", "title"], name="manual_request_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def months(self) -> int | None:
        return FREQUENCY_MONTHS[self.frequency]
