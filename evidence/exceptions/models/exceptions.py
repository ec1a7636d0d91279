from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["RiskException"]


class RiskException(models.Model):
    """An accepted risk: one check's failures in a scope count as excepted until the end date.

    The failing results stay stored as FAIL; the rollup counts those this exception matches as
    excepted while it is approved and not past ``ends_on``. Nothing is deleted: a rejection or a
    revocation is recorded on the row with who and why.
    """

    class Scope(models.TextChoices):
        ARN = "arn", "Resource ARN"
        ARN_PATTERN = "arn_pattern", "ARN pattern (* and ? wildcards)"
        TAG = "tag", "Resource tag (key=value)"
        ACCOUNT = "account", "Whole account"
        REGION = "region", "Region"

    class Rating(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class State(models.TextChoices):
        REQUESTED = "requested", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REVOKED = "revoked", "Revoked"

    check_id = models.CharField(max_length=100)
    scope = models.CharField(max_length=16, choices=Scope.choices)
    scope_value = models.CharField(
        max_length=1024, blank=True, help_text="ARN, pattern, key=value tag or region"
    )
    account = models.ForeignKey(
        "collection.AwsAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_exceptions",
        help_text="Only this account; empty: every account.",
    )
    justification = models.TextField()
    risk_rating = models.CharField(max_length=16, choices=Rating.choices)
    compensating_controls = models.TextField(blank=True)
    ends_on = models.DateField(help_text="Last day the exception applies.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.check_id} / {self.get_scope_display()} {self.scope_value}".strip()

    def active_on(self, day: dt.date) -> bool:
        """Approved, already decided by ``day`` and not past its end date."""
        return (
            self.state == self.State.APPROVED
            and self.decided_at is not None
            and self.decided_at.date() <= day <= self.ends_on
        )

    @property
    def expired(self) -> bool:
        return self.state == self.State.APPROVED and self.ends_on < timezone.localdate()
