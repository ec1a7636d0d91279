"""Catalog API shapes. Reads: ``<Model>Serializer``; writes: ``<Model>CreateSerializer`` etc."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grc.access.api.fields import DepthLimitedJSONField
from grc.catalog.models import (
    Attestation,
    Control,
    ControlMapping,
    ControlParameter,
    Criterion,
    Framework,
    Responsibility,
)

CONTROL_REF_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}"
FRAMEWORK_SLUG_PATTERN = r"[-a-zA-Z0-9_.]{1,64}"
PARAMETER_NAME_PATTERN = r"[a-z][a-z0-9_]{0,63}"


def json_without_nul(value: Any) -> None:
    """Postgres jsonb cannot store U+0000; refuse it as a field error rather than a 500."""
    if isinstance(value, str):
        if "\x00" in value:
            raise serializers.ValidationError("Null characters are not allowed.")
    elif isinstance(value, dict):
        for key, item in value.items():
            json_without_nul(key)
            json_without_nul(item)
    elif isinstance(value, list):
        for item in value:
            json_without_nul(item)


class FrameworkSerializer(serializers.ModelSerializer):
    slug = serializers.RegexField(
        f"^{FRAMEWORK_SLUG_PATTERN}$",
        read_only=True,
        help_text="Stable identifier, e.g. soc2-2017 or cis-aws-7.0.0.",
    )
    criteria_count = serializers.IntegerField(read_only=True, help_text="Number of criteria.")

    class Meta:
        model = Framework
        fields = ["slug", "name", "version", "publisher", "kind", "criteria_count"]
        extra_kwargs = {
            "slug": {"help_text": "Stable identifier, e.g. soc2-2017 or cis-aws-7.0.0."},
            "name": {"help_text": "Published name."},
            "version": {"help_text": "Published version."},
            "publisher": {"help_text": "Who publishes the framework (AICPA, CIS)."},
            "kind": {"help_text": "SOC 2 criteria or a CIS benchmark."},
        }


class CriterionSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="Slug of the framework."
    )
    section = serializers.CharField(source="section.ref", read_only=True, help_text="Section ref.")
    section_title = serializers.CharField(
        source="section.title", read_only=True, help_text="Section heading."
    )
    controls = serializers.SlugRelatedField(
        slug_field="ref",
        many=True,
        read_only=True,
        help_text="Refs of the company controls mapped onto this criterion.",
    )

    class Meta:
        model = Criterion
        fields = [
            "id",
            "framework",
            "section",
            "section_title",
            "ref",
            "title",
            "description",
            "level",
            "assessment",
            "controls",
        ]
        extra_kwargs = {
            "id": {"help_text": "Numeric id (use it to map a control onto this criterion)."},
            "ref": {"help_text": "Reference within the framework, e.g. CC6.1 or 2.1.1."},
            "title": {"help_text": "Title of the criterion."},
            "description": {"help_text": "Full text, where the framework publishes one."},
            "assessment": {"help_text": "CIS: automated or manual; empty for SOC 2."},
        }


class ControlCriterionSerializer(serializers.ModelSerializer):
    """A control's mapping onto one criterion."""

    criterion = serializers.IntegerField(source="criterion.id", help_text="Criterion id.")
    framework = serializers.CharField(
        source="criterion.framework.slug", help_text="Framework slug."
    )
    ref = serializers.CharField(source="criterion.ref", help_text="Criterion ref.")

    class Meta:
        model = ControlMapping
        fields = ["id", "criterion", "framework", "ref", "origin"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Mapping id (to remove a custom mapping)."},
            "origin": {"help_text": "catalog (shipped, permanent) or custom (the company's)."},
        }


class ControlParameterSerializer(serializers.ModelSerializer):
    value = serializers.JSONField(help_text="The value that applies (any JSON).")
    default_value = serializers.JSONField(
        allow_null=True, help_text="The shipped catalog's default, or null if none."
    )

    class Meta:
        model = ControlParameter
        fields = ["name", "value", "default_value", "overridden"]
        read_only_fields = fields
        extra_kwargs = {
            "name": {"help_text": "Parameter name, as the collector checks declare it."},
            "overridden": {
                "help_text": "True once a person set the value (catalog reloads "
                "then update only the default)."
            },
        }


class ControlSerializer(serializers.ModelSerializer):
    attestation = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="Slug of the provider attestation (e.g. AWS SOC 2 report), if any.",
    )
    checks = serializers.SerializerMethodField(help_text="Collector check ids evidencing it.")
    mappings = ControlCriterionSerializer(
        many=True, read_only=True, help_text="Criteria the control is mapped onto."
    )
    parameters = ControlParameterSerializer(
        many=True, read_only=True, help_text="Parameter values the control's checks use."
    )

    class Meta:
        model = Control
        fields = [
            *Control.DESCRIPTION_FIELDS,
            "origin",
            "checks",
            "mappings",
            "parameters",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "ref": {"help_text": "Company control reference, e.g. IAM-01."},
            "name": {"help_text": "Short name."},
            "domain": {"help_text": "Grouping, e.g. Identity and access."},
            "statement": {"help_text": "The control statement."},
            "responsibility": {
                "help_text": "Shared responsibility: inherited, shared or customer."
            },
            "frequency": {"help_text": "How often the control operates."},
            "origin": {"help_text": "catalog (shipped) or custom (added by the company)."},
            "created_at": {"help_text": "When the control was added."},
            "updated_at": {"help_text": "When it last changed."},
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_checks(self, control: Control) -> list[str]:
        return [check.check_id for check in control.checks.all()]


class ControlCreateSerializer(serializers.ModelSerializer):
    ref = serializers.CharField(
        max_length=32,
        validators=[
            RegexValidator(
                f"^{CONTROL_REF_PATTERN}$",
                "Letters, digits, '.', '_' and '-', starting with a letter or digit.",
            )
        ],
        help_text="Unique reference, e.g. CUS-01 (letters, digits, '.', '_', '-').",
    )
    attestation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Attestation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of a provider attestation, for inherited or shared controls.",
    )
    responsibility = serializers.ChoiceField(
        choices=Responsibility.choices, help_text="inherited, shared or customer."
    )

    class Meta:
        model = Control
        fields = [
            *Control.DESCRIPTION_FIELDS,
        ]
        extra_kwargs = {
            "name": {"help_text": "Short name."},
            "domain": {"help_text": "Grouping, e.g. Identity and access."},
            "statement": {"help_text": "The control statement."},
            "frequency": {"help_text": "How often the control operates."},
        }

    def validate_ref(self, value: str) -> str:
        if Control.objects.filter(ref=value).exists():
            raise serializers.ValidationError("A control with this ref exists.")
        return value


class ControlUpdateSerializer(ControlCreateSerializer):
    class Meta(ControlCreateSerializer.Meta):
        fields = [f for f in ControlCreateSerializer.Meta.fields if f != "ref"]


class ControlMappingCreateSerializer(serializers.Serializer):
    framework = serializers.RegexField(
        f"^{FRAMEWORK_SLUG_PATTERN}$",
        max_length=64,
        help_text="Framework slug, e.g. soc2-2017 or cis-aws-7.0.0.",
    )
    criterion = serializers.CharField(
        max_length=32, help_text="Criterion ref within the framework, e.g. CC6.1."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        criterion = Criterion.objects.filter(
            framework__slug=attrs["framework"], ref=attrs["criterion"]
        ).first()
        if criterion is None:
            raise serializers.ValidationError(
                {"criterion": f"No criterion {attrs['criterion']} in {attrs['framework']}."}
            )
        return {"criterion": criterion}


class ControlParameterCreateSerializer(serializers.Serializer):
    name = serializers.RegexField(
        f"^{PARAMETER_NAME_PATTERN}$",
        max_length=64,
        help_text="Lower-case name, e.g. password_min_length.",
    )
    value = DepthLimitedJSONField(
        validators=[json_without_nul],
        help_text="The value: a number, true/false, text or a list of text (not null).",
    )
    reason = serializers.CharField(
        max_length=2000, help_text="Why: auditors read it in the parameter history."
    )


class ControlParameterUpdateSerializer(serializers.Serializer):
    value = DepthLimitedJSONField(
        validators=[json_without_nul],
        help_text="The new value, of the same kind as the catalog default (not null).",
    )
    reason = serializers.CharField(
        max_length=2000, help_text="Why: auditors read it in the parameter history."
    )


class ControlParameterResetSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why: auditors read it in the parameter history."
    )


class CriterionCoverageSerializer(serializers.Serializer):
    ref = serializers.CharField(source="criterion.ref", help_text="Criterion ref.")
    title = serializers.CharField(source="criterion.title", help_text="Criterion title.")
    controls = serializers.SerializerMethodField(help_text="Refs of the mapped controls.")
    automated = serializers.BooleanField(help_text="A mapped control has collector checks.")
    manual = serializers.BooleanField(help_text="A mapped control has evidence requests.")
    provider = serializers.BooleanField(
        help_text="A mapped control is inherited/shared with a provider attestation."
    )
    covered = serializers.BooleanField(help_text="Evidenced in at least one of those ways.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_controls(self, coverage: Any) -> list[str]:
        return [control.ref for control in coverage.controls]


class FrameworkCoverageSerializer(serializers.Serializer):
    framework = serializers.CharField(source="framework.slug", help_text="Framework slug.")
    name = serializers.CharField(source="framework.name", help_text="Framework name.")
    total = serializers.IntegerField(help_text="Criteria in the framework.")
    automated = serializers.IntegerField(help_text="Criteria evidenced by collector checks.")
    manual = serializers.IntegerField(help_text="Criteria evidenced by manual requests.")
    provider = serializers.IntegerField(help_text="Criteria evidenced by provider reports.")
    uncovered = serializers.SerializerMethodField(help_text="Criteria with no evidence at all.")

    @extend_schema_field(OpenApiTypes.INT)
    def get_uncovered(self, coverage: Any) -> int:
        return len(coverage.uncovered)


class FrameworkCoverageDetailSerializer(FrameworkCoverageSerializer):
    criteria = CriterionCoverageSerializer(
        many=True, help_text="Coverage of each criterion, in framework order."
    )
