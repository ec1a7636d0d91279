from django.conf import settings
from django.db import models

from evidence.manual.models.files import StoredFile
from evidence.manual.models.requests import EvidenceRequest

__all__ = ["Decision", "EvidenceSubmission", "Review", "ReviewStatus"]


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Decision(models.TextChoices):
    APPROVED = "approved", "Approve"
    REJECTED = "rejected", "Reject"


class EvidenceSubmission(models.Model):
    """One answer to a request: a file, a link or a written attestation. Never edited; a
    replacement is a new submission. Its status moves once, from pending, by a Review."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"
        STATEMENT = "statement", "Written attestation"

    request = models.ForeignKey(
        EvidenceRequest, on_delete=models.PROTECT, related_name="submissions"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    stored_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    filename = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    description = models.TextField(blank=True)
    statement = models.TextField(blank=True)
    effective_date = models.DateField(help_text="The day the evidence speaks for")
    valid_until = models.DateField(null=True, blank=True, help_text="Empty: does not expire")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["request", "status"], name="manual_sub_request_status")]

    def __str__(self) -> str:
        return f"{self.request} ({self.get_kind_display()}, {self.effective_date})"


class Review(models.Model):
    """A reviewer's decision on a submission, with a comment. The trail an auditor reads."""

    submission = models.OneToOneField(
        EvidenceSubmission, on_delete=models.PROTECT, related_name="review"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    comment = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.decision} {self.submission_id}"
