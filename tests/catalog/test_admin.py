from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grc.catalog.loader import catalog_load
from grc.catalog.models import CatalogLoad, Control, ControlParameter, ParameterChange
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_loaded(catalog_dir: Path, client: Client) -> Client:
    catalog_load(catalog_dir)
    client.force_login(UserFactory(username="manager", is_staff=True, is_superuser=True))
    return client


def change_form_data(client: Client, url: str) -> dict[str, Any]:
    """The POST data a browser would send back for an unchanged admin change form."""
    context = client.get(url).context
    data: dict[str, Any] = {}
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(n): management[n].value() for n in management.fields}
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or field.disabled or value is False:
                continue
            data[form.add_prefix(name)] = field.widget.format_value(value) or value
    return data


@pytest.mark.parametrize(
    "name",
    [
        "framework",
        "criterion",
        "control",
        "controlparameter",
        "attestation",
        "catalogload",
    ],
)
def test_changelists_render(admin_client_loaded: Client, name: str) -> None:
    response = admin_client_loaded.get(reverse(f"admin:catalog_{name}_changelist"))

    assert response.status_code == 200


def test_control_changelist_filters_by_framework(admin_client_loaded: Client) -> None:
    framework = Control.objects.get(ref="LOG-01").criteria.get().framework
    url = reverse("admin:catalog_control_changelist")

    response = admin_client_loaded.get(url, {"criteria__framework__id__exact": framework.pk})

    refs = [control.ref for control in response.context["cl"].result_list]
    assert refs == ["ENC-01", "IAM-01", "LOG-01"]


def test_criterion_search_by_title(admin_client_loaded: Client) -> None:
    url = reverse("admin:catalog_criterion_changelist")

    response = admin_client_loaded.get(url, {"q": "password"})

    assert [c.ref for c in response.context["cl"].result_list] == ["2.9", "2.10"]


def test_framework_counts(admin_client_loaded: Client) -> None:
    response = admin_client_loaded.get(reverse("admin:catalog_framework_changelist"))

    counts = {
        f.slug: (f.section_count, f.criterion_count) for f in response.context["cl"].result_list
    }
    assert counts == {"soc2-2017": (3, 5), "cis-aws-7.0.0": (3, 4)}


def test_catalog_rows_are_read_only(admin_client_loaded: Client) -> None:
    load = CatalogLoad.objects.get()

    response = admin_client_loaded.post(
        reverse("admin:catalog_catalogload_change", args=[load.pk]), {"catalog_version": "x"}
    )

    assert response.status_code == 403


def test_parameter_edit_in_the_control_form_goes_through_the_service(
    admin_client_loaded: Client,
) -> None:
    control = Control.objects.get(ref="IAM-01")
    url = reverse("admin:catalog_control_change", args=[control.pk])
    data = change_form_data(admin_client_loaded, url)
    parameter = control.parameters.get(name="password_min_length")
    prefix = "parameters-0"  # parameters are ordered by name
    assert data[f"{prefix}-id"] == str(parameter.pk)
    data[f"{prefix}-value"] = "16"

    refused = admin_client_loaded.post(url, data)
    assert refused.status_code == 200  # no reason: the form comes back with an error
    assert ParameterChange.objects.count() == 0

    data[f"{prefix}-reason"] = "Internal policy asks for 16"
    response = admin_client_loaded.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    parameter.refresh_from_db()
    assert (parameter.value, parameter.overridden) == (16, True)
    change = ParameterChange.objects.get()
    assert (change.old_value, change.new_value, change.changed_by.username, change.reason) == (
        14,
        16,
        "manager",
        "Internal policy asks for 16",
    )


def test_parameter_page_sets_and_resets_with_history(admin_client_loaded: Client) -> None:
    parameter = ControlParameter.objects.get(control__ref="IAM-01", name="password_min_length")
    url = reverse("admin:catalog_controlparameter_change", args=[parameter.pk])

    for edit in (
        {"value": "18", "reason": "Tighter"},
        {"reset_to_default": "on", "reason": "Undo"},
    ):
        response = admin_client_loaded.post(url, change_form_data(admin_client_loaded, url) | edit)
        assert response.status_code == 302

    parameter.refresh_from_db()
    assert (parameter.value, parameter.overridden) == (14, False)
    history = list(
        ParameterChange.objects.order_by("pk").values_list("old_value", "new_value", "reason")
    )
    assert history == [(14, 18, "Tighter"), (18, 14, "Undo")]
    page = admin_client_loaded.get(url).content.decode()
    assert "Tighter" in page and "Undo" in page


def test_control_add_page_and_criterion_autocomplete(admin_client_loaded: Client) -> None:
    assert admin_client_loaded.get(reverse("admin:catalog_control_add")).status_code == 200

    response = admin_client_loaded.get(
        reverse("admin:autocomplete"),
        {
            "term": "3.1",
            "app_label": "catalog",
            "model_name": "controlmapping",
            "field_name": "criterion",
        },
    )

    assert [r["text"].split()[0] for r in response.json()["results"]] == ["3.1.1", "3.1.2"]
