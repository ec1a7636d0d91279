"""Admin for the evidence store: audit periods, accounts (write-only external id), runs."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from evidence.collection.models import AuditPeriod, AwsAccount, CollectionRun, EvidenceDocument
from evidence.collection.services.accounts import account_schedule_set


@admin.register(AuditPeriod)
class AuditPeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "start", "end", "closed")
    list_filter = ("closed",)
    search_fields = ("name",)


class AwsAccountForm(forms.ModelForm):
    """The external id can be set or replaced, never read back."""

    external_id = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Write-only. Leave blank to keep the current external id.",
    )

    class Meta:
        model = AwsAccount
        fields = ("account_id", "name", "role_arn", "external_id", "regions", "owner", "enabled")

    def clean_external_id(self) -> str:
        value = self.cleaned_data["external_id"]
        if value:
            return value
        if self.instance.pk:
            return self.instance.external_id
        raise forms.ValidationError("An external id is required for a new account.")


@admin.register(AwsAccount)
class AwsAccountAdmin(admin.ModelAdmin):
    form = AwsAccountForm
    list_display = ("name", "account_id", "enabled", "owner")
    list_filter = ("enabled",)
    search_fields = ("name", "account_id")

    def save_model(self, request: HttpRequest, obj: AwsAccount, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.schedule is None:
            account_schedule_set(account=obj, every_hours=24)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence is written by collections only; the admin may look, not touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CollectionRun)
class CollectionRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "account", "trigger", "status", "created_at", "units_done", "units_total")
    list_filter = ("status", "trigger", "account")
    list_select_related = ("account",)
    exclude = ("requested_by",)


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(ReadOnlyAdmin):
    list_display = ("sha256", "size", "created_at")
    search_fields = ("sha256",)
