"""Every member's CloudTrail and AWS Config coverage, rolled up from its latest finished run:
on the organizations page and from GET /api/v1/organizations/{id}/coverage/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from evidence.collection.models import Resource
from evidence.organizations.models import Organization, OrganizationAccount
from evidence.organizations.selectors.coverage import organization_coverage
from grc.access.roles import Role
from tests.factories import AwsAccountFactory, CheckResultFactory, CollectionRunFactory
from tests.organizations.test_views_api import login

pytestmark = pytest.mark.django_db
TRAIL = "cloudtrail_multi_region_logging"
RECORDER = "config_recorder_all_regions"


def member(organization: Organization, name: str, ou_path: str = "Root/Workloads") -> object:
    account = AwsAccountFactory(name=name)
    OrganizationAccount.objects.create(
        organization=organization, account=account, ou_path=ou_path, aws_status="ACTIVE"
    )
    return account


def run_with(account: object, results: list[tuple[str, str, str]], *, age_hours: int = 0):
    created = timezone.now() - dt.timedelta(hours=age_hours)
    run = CollectionRunFactory(account=account)
    type(run).objects.filter(pk=run.pk).update(created_at=created)
    for index, (check_id, status, reason) in enumerate(results):
        # The same resource in every run, so a later verdict ends the earlier one's span.
        resource, _ = Resource.objects.get_or_create(
            account=account,
            arn=f"arn:aws:{check_id}::{account.account_id}:{index}",
            defaults={"resource_type": "AWS::::Account", "region": "global", "service": "ec2"},
        )
        CheckResultFactory(
            run=run, resource=resource, check_id=check_id, status=status, reason=reason
        )
    return run


@pytest.fixture
def accounts(organization: Organization) -> dict[str, object]:
    found = {
        name: member(organization, name)
        for name in ("covered", "no-trail", "unreadable", "new", "broken")
    }
    # An older run said FAIL; the latest finished run is what counts.
    run_with(found["covered"], [(TRAIL, "FAIL", "no trails")], age_hours=48)
    run_with(
        found["covered"],
        [
            (TRAIL, "PASS", "trail org-trail is multi-region, logging"),
            (RECORDER, "PASS", "recorder default records all resource types"),
            (RECORDER, "PASS", "recorder default records all resource types"),
        ],
    )
    run_with(
        found["no-trail"],
        [
            (TRAIL, "FAIL", "the account has no trails"),
            (RECORDER, "PASS", "recorder default records all resource types"),
            (RECORDER, "FAIL", "no configuration recorder in eu-west-1"),
        ],
    )
    run_with(
        found["unreadable"],
        [
            (TRAIL, "ERROR", "AccessDeniedException: cloudtrail:DescribeTrails"),
            (RECORDER, "PASS", "ok"),
        ],
    )
    failed = CollectionRunFactory(
        account=found["broken"],
        status="failed",
        errors=[
            {
                "service": "sts",
                "region": "global",
                "reason": "AccessDenied: not authorized to perform sts:AssumeRole",
            }
        ],
    )
    assert failed.pk
    return found


def test_each_member_rolls_up_its_latest_finished_run(
    organization: Organization, accounts: dict[str, object], django_assert_max_num_queries
) -> None:
    # members with their latest runs, the runs, the runs' accounts, their results: 4 at any size
    with django_assert_max_num_queries(4):
        coverage = {row.member.account.name: row for row in organization_coverage(organization)}

    def statuses(name: str) -> tuple[str, str]:
        return coverage[name].cloudtrail.status, coverage[name].config.status

    assert statuses("covered") == ("PASS", "PASS")
    assert statuses("no-trail") == ("FAIL", "FAIL")
    assert coverage["no-trail"].config.reason == "no configuration recorder in eu-west-1"
    assert statuses("unreadable") == ("ERROR", "PASS")
    assert statuses("new") == ("NOT_COLLECTED", "NOT_COLLECTED")
    assert coverage["new"].cloudtrail.reason == "not collected yet"
    assert statuses("broken") == ("ERROR", "ERROR")
    assert "sts:AssumeRole" in coverage["broken"].config.reason


def test_a_run_without_the_check_is_not_collected(organization: Organization) -> None:
    account = member(organization, "partial")
    run_with(account, [(RECORDER, "PASS", "ok")])

    (row,) = organization_coverage(organization)

    assert row.cloudtrail.status == "NOT_COLLECTED"
    assert row.cloudtrail.reason == "the latest collection did not evaluate this check"


def test_page_shows_coverage_escaped(
    organization: Organization, accounts: dict[str, object]
) -> None:
    run_with(
        accounts["new"],
        [(TRAIL, "FAIL", "trail <script>x</script> stopped"), (RECORDER, "PASS", "ok")],
    )

    body = login(Client, Role.AUDITOR).get("/organizations/").content.decode()

    assert "<th>CloudTrail</th><th>AWS Config</th>" in body
    assert 'class="result r-FAIL">fail</span>' in body
    assert 'class="result r-NOT_COLLECTED">not collected yet</span>' not in body  # all collected
    assert "trail &lt;script&gt;x&lt;/script&gt; stopped" in body
    assert "<script>x</script>" not in body


def test_api_lists_coverage_per_member(
    organization: Organization, accounts: dict[str, object]
) -> None:
    response = login(APIClient, Role.AUDITOR).get(
        f"/api/v1/organizations/{organization.pk}/coverage/"
    )

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert rows["no-trail"]["cloudtrail"] == {
        "status": "FAIL",
        "reason": "the account has no trails",
    }
    assert rows["covered"]["config"]["status"] == "PASS"
    assert rows["new"]["run"] is None and rows["new"]["cloudtrail"]["status"] == "NOT_COLLECTED"
    assert rows["covered"]["ou_path"] == "Root/Workloads"
    assert rows["covered"]["account_id"] == accounts["covered"].account_id
