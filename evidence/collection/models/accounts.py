from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from encrypted_fields.fields import EncryptedCharField

from evidence.collection.models.validators import (
    account_id_validator,
    external_id_validator,
    role_arn_validator,
    validate_regions,
    validate_regions_in_partition,
)

__all__ = ["AwsAccount", "Environment", "EnvironmentSource", "validate_regions"]


class Environment(models.TextChoices):
    """Whether an account runs production workloads; blank means nobody said."""

    PRODUCTION = "production", "Production"
    NON_PRODUCTION = "non-production", "Non-production"


class EnvironmentSource(models.TextChoices):
    """Where an account's environment came from: a hand-set value wins over the account tags."""

    TAG = "tag", "Account tag"
    MANUAL = "manual", "Set by hand"


class AwsAccount(models.Model):
    """An AWS account we collect evidence from, through a read-only role we assume."""

    account_id = models.CharField(max_length=12, unique=True, validators=[account_id_validator])
    name = models.CharField(max_length=200)
    role_arn = models.CharField(max_length=600, validators=[role_arn_validator])
    # A secret shared with the account owner to stop confused-deputy role assumption: it is
    # encrypted at rest and write-only everywhere (never rendered, logged, exported or returned).
    external_id = EncryptedCharField(max_length=1224, validators=[external_id_validator])
    regions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_regions],
        help_text="Regions to collect; empty means every region enabled for the account.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aws_accounts",
    )
    enabled = models.BooleanField(default=True)
    environment = models.CharField(
        max_length=16,
        choices=Environment.choices,
        blank=True,
        help_text="Production or non-production; blank when not set.",
    )
    environment_source = models.CharField(
        max_length=8, choices=EnvironmentSource.choices, blank=True
    )
    schedule = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aws_account",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "evidence_awsaccount"
        ordering = ["name"]
        verbose_name = "AWS account"

    def __str__(self) -> str:
        return f"{self.name} ({self.account_id})"

    def __repr__(self) -> str:
        return f"<AwsAccount {self.account_id} {self.name!r}>"

    def clean(self) -> None:
        if self.role_arn and self.account_id and f":{self.account_id}:" not in self.role_arn:
            raise ValidationError({"role_arn": "The role must belong to this account id."})
        if isinstance(self.regions, list) and self.role_arn:
            try:
                validate_regions_in_partition(self.regions, self.role_arn)
            except ValidationError as exc:
                raise ValidationError({"regions": exc.messages}) from None
