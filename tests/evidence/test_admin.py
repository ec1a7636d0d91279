import pytest
from django.urls import reverse

from evidence.collection.models import AuditPeriod, AwsAccount
from evidence.collection.services.accounts import account_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return account_create(
        account_id="111122223333",
        name="Prod",
        external_id="keep-me-secret",
        role_arn="arn:aws:iam::111122223333:role/GrcEvidenceReader",
    )


def test_account_admin_never_renders_the_external_id(admin_client, account):
    response = admin_client.get(reverse("admin:collection_awsaccount_change", args=[account.pk]))

    assert response.status_code == 200
    assert b"keep-me-secret" not in response.content


def test_blank_external_id_keeps_the_current_one(admin_client, account):
    response = admin_client.post(
        reverse("admin:collection_awsaccount_change", args=[account.pk]),
        {
            "account_id": account.account_id,
            "name": "Production",
            "role_arn": account.role_arn,
            "external_id": "",
            "regions": "[]",
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.external_id) == ("Production", "keep-me-secret")


def test_new_account_in_admin_gets_a_schedule(admin_client):
    admin_client.post(
        reverse("admin:collection_awsaccount_add"),
        {
            "account_id": "444455556666",
            "name": "Staging",
            "external_id": "x1",
            "role_arn": "arn:aws:iam::444455556666:role/GrcEvidenceReader",
            "regions": "[]",
            "enabled": "on",
        },
    )

    account = AwsAccount.objects.get(account_id="444455556666")
    assert account.schedule is not None and account.schedule.interval.every == 24


def test_audit_periods_are_managed_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:collection_auditperiod_add"),
        {"name": "SOC 2 Type II FY2026", "start": "2026-01-01", "end": "2026-12-31"},
    )

    assert response.status_code == 302
    assert AuditPeriod.objects.get().name == "SOC 2 Type II FY2026"


def test_runs_are_read_only(admin_client):
    assert admin_client.get(reverse("admin:collection_collectionrun_add")).status_code == 403
