"""Read-only admin views of manual evidence: changes go through the pages, API and services."""

from __future__ import annotations

from django.contrib import admin

from evidence.manual.models import (
    EvidenceRequest,
    EvidenceSubmission,
    ProviderAttestation,
    Review,
    StoredFile,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(EvidenceRequest)
class EvidenceRequestAdmin(ReadOnlyAdmin):
    list_display = ("title", "control", "frequency", "owner", "first_due_date")
    list_filter = ("frequency",)
    search_fields = ("title", "control__ref")


@admin.register(EvidenceSubmission)
class EvidenceSubmissionAdmin(ReadOnlyAdmin):
    list_display = ("request", "kind", "status", "effective_date", "submitted_by", "submitted_at")
    list_filter = ("status", "kind")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("submission", "decision", "reviewer", "reviewed_at")


@admin.register(ProviderAttestation)
class ProviderAttestationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "issuer", "period_start", "period_end", "status")


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("sha256", "content_type", "size", "created_at")
