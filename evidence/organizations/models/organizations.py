from django.core.validators import RegexValidator
from django.db import models
from encrypted_fields.fields import EncryptedCharField

from evidence.collection.models.accounts import (
    account_id_validator,
    role_arn_validator,
    validate_regions,
)

__all__ = ["Organization", "OrganizationAccount", "OrganizationSync"]

role_name_validator = RegexValidator(
    r"^[\w+=,.@-]{1,64}$", "An IAM role name: letters, digits and +=,.@_- (at most 64)."
)


class Organization(models.Model):
    """An AWS Organization, read through a role in its management or delegated-admin account.

    Its members are collected through one role name and external id deployed in every member
    (the StackSet in ``cloudformation/``); both external ids are encrypted and write-only.
    """

    name = models.CharField(max_length=200)
    account_id = models.CharField(
        max_length=12,
        unique=True,
        validators=[account_id_validator],
        help_text="The management or delegated-administrator account the sync reads from.",
    )
    role_arn = models.CharField(max_length=600, validators=[role_arn_validator])
    external_id = EncryptedCharField(max_length=1224)
    member_role_name = models.CharField(
        max_length=64,
        default="GrcEvidenceReader",
        validators=[role_name_validator],
        help_text="The collection role's name in every member account.",
    )
    member_external_id = EncryptedCharField(max_length=1224)
    default_regions = models.JSONField(default=list, blank=True, validators=[validate_regions])
    organization_id = models.CharField(max_length=34, blank=True)
    management_account_id = models.CharField(max_length=12, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_id or self.account_id})"


class OrganizationAccount(models.Model):
    """A member account as the last sync saw it, linked to the AwsAccount that collects it.

    ``excluded`` is the customer's choice (never collected, never re-enabled by a sync);
    regions and schedule overrides live on the AwsAccount and a sync never rewrites them.
    """

    class AwsStatus(models.TextChoices):
        # AWS's account State (PENDING_ACTIVATION ... CLOSED), or the older Status field.
        PENDING_ACTIVATION = "PENDING_ACTIVATION", "Pending activation"
        ACTIVE = "ACTIVE", "Active"
        SUSPENDED = "SUSPENDED", "Suspended"
        PENDING_CLOSURE = "PENDING_CLOSURE", "Pending closure"
        CLOSED = "CLOSED", "Closed"
        REMOVED = "REMOVED", "Removed from the organization"  # ours: no longer listed

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    account = models.OneToOneField(
        "collection.AwsAccount", on_delete=models.PROTECT, related_name="organization_member"
    )
    ou_path = models.CharField(max_length=1000, blank=True)
    parent_id = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=320, blank=True)
    aws_status = models.CharField(max_length=20, choices=AwsStatus.choices)
    excluded = models.BooleanField(default=False)
    last_sync_error = models.TextField(blank=True)
    # "Test connections": assuming the member role and GetCallerIdentity, with the AWS error.
    connection_error = models.TextField(blank=True)
    connection_checked_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ou_path", "account__name"]

    def __str__(self) -> str:
        return f"{self.ou_path}: {self.account}"


class OrganizationSync(models.Model):
    """One sync of an organization: what it changed, or why it changed nothing."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="syncs")
    status = models.CharField(max_length=16, choices=Status.choices)
    error = models.TextField(blank=True)
    registered = models.JSONField(default=list, blank=True)
    disabled = models.JSONField(default=list, blank=True)
    updated = models.JSONField(default=list, blank=True)
    member_errors = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.organization} sync {self.started_at:%Y-%m-%d %H:%M} {self.status}"
