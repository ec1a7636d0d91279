from django.db import models

__all__ = ["AuditPeriod"]


class AuditPeriod(models.Model):
    """An observation period an auditor tests (e.g. a SOC 2 Type II year); its evidence is kept."""

    name = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()
    closed = models.BooleanField(default=False)

    class Meta:
        db_table = "evidence_auditperiod"
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.name} ({self.start} - {self.end})"
