from django.conf import settings
from django.db import models

from grc.catalog.models.controls import Control

__all__ = ["ControlParameter", "ParameterChange"]


class ControlParameter(models.Model):
    """A value the company sets for a control (e.g. minimum password length) that checks use.

    ``default_value`` follows the shipped catalog (CIS); ``value`` is what applies. Once a person
    overrides it, reloading the catalog updates only the default.
    """

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="parameters")
    name = models.CharField(max_length=64)
    value = models.JSONField()
    default_value = models.JSONField(null=True, blank=True)
    overridden = models.BooleanField(default=False)

    class Meta:
        ordering = ["control", "name"]
        constraints = [
            models.UniqueConstraint(fields=["control", "name"], name="parameter_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.control.ref}.{self.name} = {self.value!r}"


class ParameterChange(models.Model):
    """Audit trail of a parameter change: who tightened or loosened it, when and why."""

    parameter = models.ForeignKey(
        ControlParameter, on_delete=models.CASCADE, related_name="changes"
    )
    old_value = models.JSONField(null=True)
    new_value = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.parameter}: {self.old_value!r} -> {self.new_value!r}"
