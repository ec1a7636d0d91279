"""OU and environment: filters on the posture pages, grouped counts, the control's accounts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence.collection.models import Environment
from evidence.organizations.models import Organization, OrganizationAccount
from evidence.posture.forms import FindingFilterForm
from evidence.posture.selectors.groups import NO_ORGANIZATION
from tests.factories import AwsAccountFactory, ControlFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(dashboard, history):
    """Production in Root/Workloads/Prod, Staging in Root/Workloads/NonProd (environments from
    tags), Loose registered by hand with no environment and no collection; one unmapped control."""
    organization = Organization.objects.create(
        name="Acme",
        account_id="999999999999",
        role_arn="arn:aws:iam::999999999999:role/R",
        external_id="x" * 16,
        member_external_id="y" * 16,
    )
    production, staging = dashboard.accounts
    for account, path, environment in (
        (production, "Root/Workloads/Prod", Environment.PRODUCTION),
        (staging, "Root/Workloads/NonProd", Environment.NON_PRODUCTION),
    ):
        OrganizationAccount.objects.create(
            organization=organization, account=account, ou_path=path, aws_status="ACTIVE"
        )
        account.environment, account.environment_source = environment, "tag"
        account.save()
    AwsAccountFactory(account_id="333333333333", name="Loose")
    ControlFactory(ref="EXTRA-01", name="Not in SOC 2")
    history(3)
    return dashboard


def group_table(response) -> dict[str, dict[str, int]]:
    return {item.group.label: dict(item.counts) for item in response.context["groups"]}


def test_overview_grouped_by_ou_counts_controls_per_status(estate, auditor_client) -> None:
    response = auditor_client.get(reverse("overview"), {"group": "ou"})

    table = group_table(response)
    assert list(table) == ["Root/Workloads/NonProd", "Root/Workloads/Prod", NO_ORGANIZATION]
    prod = table["Root/Workloads/Prod"]
    assert (prod["fail"], prod["pass"], prod["not_evidenced"]) == (1, 2, 2)
    nonprod = table["Root/Workloads/NonProd"]
    assert (nonprod["fail"], nonprod["pass"], nonprod["not_evidenced"]) == (0, 3, 2)
    assert table[NO_ORGANIZATION]["not_evidenced"] == 5
    page = response.content.decode()
    assert "By OU" in page and 'aria-current="true">OU</a>' in page
    assert "account=111111111111&amp;status=fail" in page  # the cell opens the failing controls


def test_grouped_by_environment_with_a_status_filter(estate, auditor_client) -> None:
    response = auditor_client.get(reverse("overview"), {"group": "environment", "status": "fail"})

    table = group_table(response)
    assert list(table) == ["Production", "Non-production", "Environment not set"]
    assert sum(table["Production"].values()) == table["Production"]["fail"] == 1
    assert sum(table["Non-production"].values()) == 0


def test_framework_page_groups_only_its_controls(estate, auditor_client) -> None:
    slug = estate.framework.slug
    response = auditor_client.get(reverse("framework-detail", args=[slug]), {"group": "ou"})

    table = group_table(response)
    assert sum(table[NO_ORGANIZATION].values()) == 4  # EXTRA-01 is not mapped onto SOC 2
    overview = group_table(auditor_client.get(reverse("overview"), {"group": "ou"}))
    assert sum(overview[NO_ORGANIZATION].values()) == 5
    listing = auditor_client.get(reverse("framework-list"), {"group": "environment"})
    assert "Environment not set" in group_table(listing)


def test_environment_filter_narrows_combines_and_is_carried(estate, auditor_client) -> None:
    response = auditor_client.get(reverse("overview"), {"environment": "production"})
    filters = response.context["filters"]
    assert [a.name for a in filters.accounts] == ["Production"]
    assert "environment=production" in filters.carry
    page = response.content.decode()
    assert "Environment: Production" in page  # shown as an active filter, with a way to undo it
    assert '<option value="production" selected>' in page

    unset = auditor_client.get(reverse("control-list"), {"environment": "unset"})
    assert [a.name for a in unset.context["filters"].accounts] == ["Loose"]
    both = auditor_client.get(
        reverse("control-list"), {"environment": "production", "account": "222222222222"}
    )
    assert both.context["filters"].accounts == ()
    with_ou = auditor_client.get(
        reverse("overview"), {"environment": "non-production", "ou": "Root/Workloads"}
    )
    assert [a.name for a in with_ou.context["filters"].accounts] == ["Staging"]


def test_control_page_lists_accounts_not_passing_by_ou(estate, auditor_client) -> None:
    response = auditor_client.get(reverse("control-detail", args=["NET-01"]))

    groups = response.context["not_passing"]
    assert [group.label for group in groups] == ["Root/Workloads/Prod", NO_ORGANIZATION]
    assert [(r.account.name, r.status) for r in groups[0].accounts] == [("Production", "fail")]
    assert [(r.account.name, r.status) for r in groups[1].accounts] == [("Loose", "not_evidenced")]
    page = response.content.decode()
    assert "?account=111111111111&amp;control=NET-01" in page
    assert "Non-production" not in page.split('id="accounts-not-passing"')[1].split("</section>")[0]

    staging_only = auditor_client.get(
        reverse("control-detail", args=["NET-01"]), {"environment": "non-production"}
    )
    assert staging_only.context["not_passing"] == []
    assert "Every account in scope passes this control" in staging_only.content.decode()


def test_findings_filter_by_control(estate) -> None:
    filters = FindingFilterForm(
        {"control": "NET-01", "account": "111111111111"}, accounts=estate.accounts
    ).filters()
    assert filters.control_checks == ("ec2_sg_no_admin_ingress_ipv4",)
    assert filters.account_ids == [estate.accounts[0].pk]
    assert FindingFilterForm({"control": "NOPE-9"}, accounts=[]).filters().control_checks == ()


def test_grouped_overview_query_budget(estate, django_assert_max_num_queries, auditor_client):
    with django_assert_max_num_queries(24):
        assert auditor_client.get(reverse("overview"), {"group": "ou"}).status_code == 200


def test_a_manager_sets_the_environment_by_hand(estate, manager_client, auditor_client) -> None:
    url = reverse("account-environment", args=["222222222222"])
    assert auditor_client.post(url, {"environment": "production"}).status_code == 403

    response = manager_client.post(url, {"environment": "production"})
    assert response.status_code == 302
    staging = estate.accounts[1]
    staging.refresh_from_db()
    assert (staging.environment, staging.environment_source) == ("production", "manual")
    page = manager_client.get(reverse("account-detail", args=["222222222222"])).content.decode()
    assert 'Production <span class="muted">(set by hand)</span>' in page
    listing = manager_client.get(reverse("account-list")).content.decode()
    assert 'class="tag env-production">Production</span>' in listing

    manager_client.post(url, {"environment": ""})
    staging.refresh_from_db()
    assert (staging.environment, staging.environment_source) == ("", "")
    assert manager_client.post(url, {"environment": "prod"}).status_code == 302
    staging.refresh_from_db()
    assert staging.environment == ""  # an unknown value changes nothing
