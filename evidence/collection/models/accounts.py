from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from encrypted_fields.fields import EncryptedCharField

__all__ = ["AwsAccount", "validate_regions"]

account_id_validator = RegexValidator(r"^\d{12}$", "An AWS account id is exactly 12 digits.")
role_arn_validator = RegexValidator(
    r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role/[\w+=,.@/-]{1,512}$",
    "Expected an IAM role ARN such as arn:aws:iam::123456789012:role/GrcEvidenceReader.",
)
REGION_PATTERN = RegexValidator(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


def validate_regions(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Regions must be a list of region names.")
    bad = [region for region in value if not REGION_PATTERN.regex.match(region)]
    if bad:
        raise ValidationError(f"Not AWS region names: {', '.join(sorted(bad))}.")


class AwsAccount(models.Model):
    """An AWS account we collect evidence from, through a read-only role we assume."""

    account_id = models.CharField(max_length=12, unique=True, validators=[account_id_validator])
    name = models.CharField(max_length=200)
    role_arn = models.CharField(max_length=600, validators=[role_arn_validator])
    # A secret shared with the account owner to stop confused-deputy role assumption: it is
    # encrypted at rest and write-only everywhere (never rendered, logged, exported or returned).
    external_id = EncryptedCharField(max_length=1224)
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
