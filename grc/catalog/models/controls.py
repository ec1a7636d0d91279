from django.conf import settings
from django.db import models

from grc.catalog.models.frameworks import Criterion

__all__ = [
    "Attestation",
    "Control",
    "ControlCheck",
    "ControlMapping",
    "EvidenceRequest",
    "Origin",
    "Responsibility",
]


class Origin(models.TextChoices):
    CATALOG = "catalog", "Shipped catalog"
    CUSTOM = "custom", "Added by the company"


class Responsibility(models.TextChoices):
    INHERITED = "inherited", "Inherited (AWS operates it)"
    SHARED = "shared", "Shared (AWS and the company)"
    CUSTOMER = "customer", "Customer (the company operates it)"


class Attestation(models.Model):
    """A provider report that evidences AWS's part of a control, e.g. AWS's SOC 2 Type II."""

    slug = models.SlugField(max_length=64, unique=True)
    provider = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["provider", "name"]

    def __str__(self) -> str:
        return self.name


class Control(models.Model):
    """A company control statement, mapped onto framework criteria and proven by evidence."""

    ref = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=100, blank=True)
    statement = models.TextField()
    responsibility = models.CharField(max_length=16, choices=Responsibility.choices)
    aws_responsibility = models.TextField(blank=True, help_text="What AWS does for this control")
    customer_responsibility = models.TextField(
        blank=True, help_text="What the company does for this control"
    )
    attestation = models.ForeignKey(
        Attestation, null=True, blank=True, on_delete=models.PROTECT, related_name="controls"
    )
    frequency = models.CharField(max_length=32, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.CUSTOM)
    # Who answers for the control in the company: a person, a group (team), or both.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_controls",
    )
    owner_group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_controls",
        help_text="A team that owns the control; its members see it under 'My controls'.",
    )
    # Digest of the catalog fields as last loaded: when the row no longer matches it, a person
    # edited the control and reloading the catalog leaves those fields alone.
    catalog_digest = models.CharField(max_length=64, blank=True, editable=False)
    criteria = models.ManyToManyField(Criterion, through="ControlMapping", related_name="controls")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What describes a control, in display order (forms, serializers, admin).
    DESCRIPTION_FIELDS = (
        "ref",
        "name",
        "domain",
        "statement",
        "responsibility",
        "aws_responsibility",
        "customer_responsibility",
        "attestation",
        "frequency",
    )

    class Meta:
        ordering = ["ref"]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"


class ControlMapping(models.Model):
    """Control <-> criterion: this control (in part) satisfies this criterion."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="mappings")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="mappings")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.CUSTOM)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["control", "criterion"], name="mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.control.ref} -> {self.criterion.ref}"


class ControlCheck(models.Model):
    """An automated collector check (by its stable id) that evidences a control."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="checks")
    check_id = models.CharField(max_length=100, db_index=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.CUSTOM)

    class Meta:
        ordering = ["check_id"]
        constraints = [
            models.UniqueConstraint(fields=["control", "check_id"], name="control_check_unique")
        ]

    def __str__(self) -> str:
        return self.check_id


class EvidenceRequest(models.Model):
    """Manual evidence a control owner provides, e.g. a signed quarterly access review."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="evidence_requests")
    title = models.CharField(max_length=300)
    frequency = models.CharField(max_length=32, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.CUSTOM)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["control", "title"], name="evidence_request_unique")
        ]

    def __str__(self) -> str:
        return self.title
