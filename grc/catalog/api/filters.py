"""Query filters for the catalog API (django-filter)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from grc.catalog.models import Assessment, Control, Criterion, Framework, Origin, Responsibility


class FrameworkFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Framework.Kind.choices, help_text="soc2 or cis.")

    class Meta:
        model = Framework
        fields = ["kind"]


class CriterionFilter(filters.FilterSet):
    framework = filters.CharFilter(field_name="framework__slug", help_text="Framework slug.")
    section = filters.CharFilter(field_name="section__ref", help_text="Section ref, e.g. CC6.")
    ref = filters.CharFilter(help_text="Criterion ref, e.g. CC6.1.")
    assessment = filters.ChoiceFilter(
        choices=Assessment.choices, help_text="CIS: automated or manual."
    )
    level = filters.NumberFilter(help_text="CIS profile level (1 or 2).")

    class Meta:
        model = Criterion
        fields = ["framework", "section", "ref", "assessment", "level"]


class ControlFilter(filters.FilterSet):
    origin = filters.ChoiceFilter(choices=Origin.choices, help_text="catalog or custom.")
    responsibility = filters.ChoiceFilter(
        choices=Responsibility.choices, help_text="inherited, shared or customer."
    )
    domain = filters.CharFilter(help_text="Exact domain, e.g. Identity and access.")
    framework = filters.CharFilter(
        method="filter_framework", help_text="Only controls mapped onto this framework (slug)."
    )
    criterion = filters.CharFilter(
        method="filter_criterion",
        help_text="Only controls mapped onto a criterion with this ref (in `framework` if given).",
    )
    check = filters.CharFilter(
        field_name="checks__check_id", distinct=True, help_text="Only controls using this check."
    )
    search = filters.CharFilter(method="filter_search", help_text="Text in the ref or name.")

    class Meta:
        model = Control
        fields = ["origin", "responsibility", "domain", "framework", "criterion", "check"]

    def filter_framework(self, queryset: QuerySet[Control], name: str, value: str):
        return queryset.filter(criteria__framework__slug=value).distinct()

    def filter_criterion(self, queryset: QuerySet[Control], name: str, value: str):
        criteria = Criterion.objects.filter(ref=value)
        framework = self.form.cleaned_data.get("framework")
        if framework:
            criteria = criteria.filter(framework__slug=framework)
        return queryset.filter(mappings__criterion__in=criteria).distinct()

    def filter_search(self, queryset: QuerySet[Control], name: str, value: str):
        return queryset.filter(Q(ref__icontains=value) | Q(name__icontains=value))
