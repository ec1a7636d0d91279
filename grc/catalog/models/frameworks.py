from django.db import models

__all__ = ["Assessment", "CatalogLoad", "Criterion", "Framework", "Section"]


class Framework(models.Model):
    """A published set of criteria at one version, e.g. CIS AWS Foundations v7.0.0."""

    class Kind(models.TextChoices):
        SOC2 = "soc2", "SOC 2"
        CIS = "cis", "CIS Benchmark"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=64)
    publisher = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "slug"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Section(models.Model):
    """A heading in a framework's tree: SOC 2 CC6, CIS 3 Storage or its sub-section 3.1 S3."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    ref = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "ref"], name="section_unique_ref")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Assessment(models.TextChoices):
    AUTOMATED = "automated", "Automated"
    MANUAL = "manual", "Manual"


class Criterion(models.Model):
    """One requirement of a framework: a SOC 2 criterion (CC6.1) or a CIS recommendation (2.3)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="criteria")
    ref = models.CharField(max_length=32)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True, help_text="CIS profile level")
    assessment = models.CharField(max_length=16, choices=Assessment.choices, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["framework", "ref"], name="criterion_unique_ref")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class CatalogLoad(models.Model):
    """A record of one `load_catalog` run: which catalog version was loaded and what changed."""

    catalog_version = models.CharField(max_length=32)
    loaded_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-loaded_at"]
        get_latest_by = "loaded_at"

    def __str__(self) -> str:
        return f"catalog {self.catalog_version} loaded {self.loaded_at:%Y-%m-%d %H:%M}"
