"""Admin for compliance managers: browse frameworks, edit company controls and parameters.

Frameworks, criteria and catalog loads are read-only here because `load_catalog` owns them.
Parameter values change only through the services so every change is recorded with a reason.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from collectors.registry import load_checks
from grc.catalog.models import (
    Attestation,
    CatalogLoad,
    Control,
    ControlCheck,
    ControlMapping,
    ControlParameter,
    Criterion,
    EvidenceRequest,
    Framework,
    ParameterChange,
    Section,
)
from grc.catalog.services.parameters import (
    control_parameter_create,
    control_parameter_reset,
    control_parameter_set,
)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Section
    fields = ("ref", "title", "parent", "position")
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "name", "version", "kind", "section_count", "criterion_count")
    list_filter = ("kind",)
    search_fields = ("slug", "name")
    inlines = (SectionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Framework]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                section_count=Count("sections", distinct=True),
                criterion_count=Count("criteria", distinct=True),
            )
        )

    @admin.display(description="sections", ordering="section_count")
    def section_count(self, framework: Framework) -> int:
        return framework.section_count  # type: ignore[attr-defined]

    @admin.display(description="criteria", ordering="criterion_count")
    def criterion_count(self, framework: Framework) -> int:
        return framework.criterion_count  # type: ignore[attr-defined]


class CriterionMappingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ControlMapping
    fields = ("control", "origin")
    extra = 0
    verbose_name = "mapped control"


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ref", "title", "framework", "section", "level", "assessment", "control_count")
    list_filter = (
        "framework",
        ("section", admin.RelatedOnlyFieldListFilter),
        "level",
        "assessment",
    )
    search_fields = ("ref", "title", "description")
    list_select_related = ("framework", "section")
    inlines = (CriterionMappingInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Criterion]:
        # Meta.ordering is dropped from GROUP BY queries; keep the framework order.
        queryset = super().get_queryset(request).annotate(control_count=Count("controls"))
        return queryset.order_by(*Criterion._meta.ordering)

    @admin.display(description="controls", ordering="control_count")
    def control_count(self, criterion: Criterion) -> int:
        return criterion.control_count  # type: ignore[attr-defined]


class ControlMappingInline(admin.TabularInline):
    model = ControlMapping
    fields = ("criterion", "origin")
    readonly_fields = ("origin",)
    autocomplete_fields = ("criterion",)
    extra = 0


class ControlCheckForm(forms.ModelForm):
    class Meta:
        model = ControlCheck
        fields = ("check_id",)

    def clean_check_id(self) -> str:
        check_id = self.cleaned_data["check_id"]
        if check_id not in load_checks():
            raise ValidationError(f"No collector check has the id {check_id!r}.")
        return check_id


class ControlCheckInline(admin.TabularInline):
    model = ControlCheck
    form = ControlCheckForm
    fields = ("check_id", "origin")
    readonly_fields = ("origin",)
    extra = 0


class EvidenceRequestInline(admin.TabularInline):
    model = EvidenceRequest
    fields = ("title", "frequency", "origin")
    readonly_fields = ("origin",)
    extra = 0


class ControlParameterForm(forms.ModelForm):
    """Edits a parameter value; `save` is bypassed, the admin calls the services instead."""

    reset_to_default = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, help_text="Why the value changes (recorded).")

    class Meta:
        model = ControlParameter
        fields = ("name", "value")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["name"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.changes_value() and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Give a reason for the change.")
        if cleaned.get("reset_to_default") and self.instance.default_value is None:
            self.add_error("reset_to_default", "This parameter has no catalog default.")
        return cleaned

    def changes_value(self) -> bool:
        return bool(
            not self.instance.pk
            or self.cleaned_data.get("reset_to_default")
            or "value" in self.changed_data
        )

    def save_through_services(self, control: Control, user: Any) -> None:
        reason = self.cleaned_data["reason"]
        if not self.instance.pk:
            control_parameter_create(
                control=control,
                name=self.cleaned_data["name"],
                value=self.cleaned_data["value"],
                user=user,
                reason=reason,
            )
        elif self.cleaned_data.get("reset_to_default"):
            control_parameter_reset(parameter=self.instance, user=user, reason=reason)
        elif "value" in self.changed_data:
            value = self.cleaned_data["value"]
            control_parameter_set(parameter=self.instance, value=value, user=user, reason=reason)


class ControlParameterInline(admin.TabularInline):
    model = ControlParameter
    form = ControlParameterForm
    fields = ("name", "value", "default_value", "overridden", "reset_to_default", "reason")
    readonly_fields = ("default_value", "overridden")
    show_change_link = True  # the parameter page shows its change history
    can_delete = False  # deleting would drop the change history with it
    extra = 0


@admin.register(Control)
class ControlAdmin(admin.ModelAdmin):
    list_display = ("ref", "name", "domain", "responsibility", "owner", "owner_group", "origin")
    list_filter = ("responsibility", "origin", "domain", "owner_group", "criteria__framework")
    search_fields = ("ref", "name", "statement")
    list_select_related = ("attestation", "owner", "owner_group")
    readonly_fields = ("origin", "created_at", "updated_at")
    fields = (
        *Control.DESCRIPTION_FIELDS,
        "owner",
        "owner_group",
        "origin",
        "created_at",
        "updated_at",
    )
    inlines = (
        ControlMappingInline,
        ControlCheckInline,
        EvidenceRequestInline,
        ControlParameterInline,
    )

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not ControlParameter:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # fills new/changed_objects for the admin's change message
        for parameter_form in formset.forms:
            if parameter_form.has_changed() and parameter_form.changes_value():
                parameter_form.save_through_services(form.instance, request.user)


class ParameterChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ParameterChange
    fields = ("changed_at", "changed_by", "old_value", "new_value", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(ControlParameter)
class ControlParameterAdmin(admin.ModelAdmin):
    form = ControlParameterForm
    list_display = ("control", "name", "value", "default_value", "overridden")
    list_filter = ("overridden",)
    search_fields = ("control__ref", "name")
    list_select_related = ("control",)
    readonly_fields = ("control", "default_value", "overridden")
    fields = (
        "control",
        "name",
        "value",
        "default_value",
        "overridden",
        "reset_to_default",
        "reason",
    )
    inlines = (ParameterChangeInline,)
    actions = ("reset_selected",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # parameters are added on their control's page

    def save_model(
        self, request: HttpRequest, obj: ControlParameter, form: forms.ModelForm, change: bool
    ) -> None:
        if form.changes_value():
            form.save_through_services(obj.control, request.user)

    @admin.action(description="Reset selected parameters to their catalog default")
    def reset_selected(self, request: HttpRequest, queryset: QuerySet[ControlParameter]) -> None:
        resettable = queryset.filter(overridden=True, default_value__isnull=False)
        for parameter in resettable:
            control_parameter_reset(
                parameter=parameter, user=request.user, reason="Reset to default in the admin"
            )
        self.message_user(request, f"{len(resettable)} parameter(s) reset.", messages.SUCCESS)


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    list_display = ("name", "provider", "period_start", "period_end", "control_count")
    search_fields = ("slug", "name", "provider")
    list_filter = ("provider",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attestation]:
        queryset = super().get_queryset(request).annotate(control_count=Count("controls"))
        return queryset.order_by(*Attestation._meta.ordering)

    @admin.display(description="controls", ordering="control_count")
    def control_count(self, attestation: Attestation) -> int:
        return attestation.control_count  # type: ignore[attr-defined]


@admin.register(CatalogLoad)
class CatalogLoadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("catalog_version", "loaded_at")
    fields = ("catalog_version", "loaded_at", "summary")
    readonly_fields = fields
