"""Sign-in on every page; auditors read but never change; enforced in the views, not the UI."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from evidence.collection.models import CollectionRun
from tests.factories import EvidenceDocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(dashboard) -> dict[str, str]:
    document = EvidenceDocumentFactory()
    account = dashboard.accounts[0].account_id
    return {
        "overview": reverse("overview"),
        "collections": reverse("collections-partial"),
        "framework": reverse("framework-detail", args=["soc2-2017"]),
        "controls": reverse("control-list"),
        "control": reverse("control-detail", args=["IAM-05"]),
        "accounts": reverse("account-list"),
        "account": reverse("account-detail", args=[account]),
        "runs": reverse("account-runs", args=[account]),
        "evidence": reverse("evidence-detail", args=[document.sha256]),
    }


MUTATIONS = {
    "parameter": (
        "control-parameter-update",
        ["IAM-05", "minimum_length"],
        {"value": "16", "reason": "policy"},
    ),
    "collect": ("account-collect", ["111111111111"], {}),
    "schedule": ("account-schedule", ["111111111111"], {"every_hours": "6"}),
    "register": (
        "account-register",
        [],
        {
            "name": "New",
            "account_id": "333333333333",
            "role_arn": "arn:aws:iam::333333333333:role/R",
            "external_id": "x",
            "schedule_hours": "24",
        },
    ),
}


def test_every_page_requires_sign_in(urls):
    client = Client()
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/auth/login/?next="), name


def test_signed_in_user_without_a_role_is_refused(urls):
    client = Client()
    client.force_login(UserFactory(username="nobody"))
    for name, url in urls.items():
        assert client.get(url).status_code == 403, name


def test_auditor_reads_every_page(urls, auditor_client):
    for name, url in urls.items():
        assert auditor_client.get(url).status_code == 200, name


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutations_redirect_anonymous_to_login(dashboard, mutation):
    name, args, data = MUTATIONS[mutation]
    response = Client().post(reverse(name, args=args), data)
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/")


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_auditor_post_is_forbidden_and_changes_nothing(
    dashboard, auditor_client, mutation, monkeypatch
):
    queued = []
    monkeypatch.setattr("evidence.collection.tasks.collection_run_task.delay", queued.append)
    name, args, data = MUTATIONS[mutation]

    response = auditor_client.post(reverse(name, args=args), data)

    assert response.status_code == 403
    assert queued == []
    assert not CollectionRun.objects.exists()
    dashboard.controls["IAM-05"].parameters.get().refresh_from_db()
    assert dashboard.controls["IAM-05"].parameters.get().value == 14
    assert dashboard.accounts[0].schedule.interval.every == 24
    assert not dashboard.accounts[0].__class__.objects.filter(account_id="333333333333").exists()


def test_auditor_sees_no_manager_controls(dashboard, auditor_client, manager_client):
    account = reverse("account-detail", args=["111111111111"])
    control = reverse("control-detail", args=["IAM-05"])
    for url, marker in ((account, "Collect now"), (control, "Change</button>")):
        assert marker not in auditor_client.get(url).content.decode()
        assert marker in manager_client.get(url).content.decode()
    assert "Register an account" not in auditor_client.get(reverse("account-list")).content.decode()
    assert auditor_client.get(reverse("account-register")).status_code == 403


def test_mutations_reject_get(dashboard, manager_client):
    for name, args, _ in MUTATIONS.values():
        if name != "account-register":
            assert manager_client.get(reverse(name, args=args)).status_code == 405
