"""Organization registration form: validates shape, then the same service as the API."""

from __future__ import annotations

from django import forms

from evidence.collection.models.accounts import validate_regions


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    account_id = forms.RegexField(
        regex=r"^\d{12}$", label="Management or delegated-admin account id"
    )
    role_arn = forms.CharField(
        max_length=600, help_text="Role in that account allowed organizations:List* and Describe*."
    )
    external_id = forms.CharField(max_length=1224, strip=False, widget=forms.PasswordInput)
    member_role_name = forms.CharField(max_length=64, initial="GrcEvidenceReader")
    member_external_id = forms.CharField(
        max_length=1224,
        strip=False,
        widget=forms.PasswordInput,
        help_text="The ExternalId parameter of the StackSet deployed to every member.",
    )
    default_regions = forms.CharField(
        required=False, help_text="Comma-separated; empty means every enabled region."
    )

    def clean_default_regions(self) -> list[str]:
        raw = self.cleaned_data.get("default_regions") or ""
        regions = [region.strip() for region in raw.split(",") if region.strip()]
        validate_regions(regions)
        return regions
