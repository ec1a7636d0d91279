from django.contrib import admin

from evidence.organizations.models import Organization, OrganizationAccount, OrganizationSync


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "organization_id", "account_id", "last_synced_at", "last_sync_error"]
    exclude = ["external_id", "member_external_id"]  # write-only secrets


@admin.register(OrganizationAccount)
class OrganizationAccountAdmin(admin.ModelAdmin):
    list_display = ["account", "organization", "ou_path", "aws_status", "excluded"]
    list_filter = ["organization", "aws_status", "excluded"]
    raw_id_fields = ["account"]


@admin.register(OrganizationSync)
class OrganizationSyncAdmin(admin.ModelAdmin):
    list_display = ["organization", "status", "started_at", "error"]
    list_filter = ["status"]
