"""Framework tree, control list with filters, the control page and parameter changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from grc.catalog.models import ParameterChange
from tests.factories import CheckResultFactory, CollectionRunFactory

pytestmark = pytest.mark.django_db


def test_framework_tree_nests_sections_and_links_controls(history, auditor_client):
    history(1)

    response = auditor_client.get(reverse("framework-detail", args=["soc2-2017"]))

    [cc6, cc7] = response.context["sections"]
    assert [c.criterion.ref for c in cc7.criteria] == ["CC7.2", "CC7.9"]
    assert [c.criterion.ref for c in cc6.criteria] == ["CC6.1"]
    assert [child.section.ref for child in cc6.children] == ["CC6.x"]
    network = cc6.children[0].criteria[0]
    assert (network.criterion.ref, network.status) == ("CC6.6", "fail")
    assert [(s.control.ref, s.status) for s in network.controls] == [("NET-01", "fail")]
    # CC6.1 maps IAM-05 (passing) and PHY-01 (an inherited control whose AWS attestation is
    # not evidenced yet): a criterion is as good as its weakest control, and names it.
    access = cc6.criteria[0]
    assert (access.status, access.verdict.weakest) == ("not_evidenced", "PHY-01")
    assert {status: n for status, n in cc6.counts.items() if n} == {"not_evidenced": 1, "fail": 1}
    assert 'href="/controls/NET-01/?"' in response.content.decode()


def test_framework_tree_filters_controls_by_responsibility(history, auditor_client):
    history(1)

    response = auditor_client.get(
        reverse("framework-detail", args=["soc2-2017"]), {"responsibility": "inherited"}
    )

    shown = [
        (node.criterion.ref, [s.control.ref for s in node.controls])
        for section in response.context["sections"]
        for node in section.criteria
    ]
    assert shown == [("CC6.1", ["PHY-01"])]


def test_unknown_framework_is_404(auditor_client, dashboard):
    assert auditor_client.get(reverse("framework-detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["IAM-05", "LOG-01", "NET-01", "PHY-01"]),
        ({"status": "fail"}, ["NET-01"]),
        ({"status": "fail", "account": "222222222222"}, []),
        ({"responsibility": "shared"}, ["LOG-01"]),
        ({"service": "iam"}, ["IAM-05"]),
        ({"framework": "soc2-2017", "service": "ec2"}, ["NET-01"]),
        ({"status": "bogus"}, ["IAM-05", "LOG-01", "NET-01", "PHY-01"]),
    ],
)
def test_control_list_filters(history, auditor_client, query, expected):
    history(1)
    rows = auditor_client.get(reverse("control-list"), query).context["rows"]
    assert [row.control.ref for row in rows] == expected


def test_control_page_shows_responsibility_and_attestation(dashboard, auditor_client):
    body = auditor_client.get(reverse("control-detail", args=["LOG-01"])).content.decode()
    assert "AWS runs CloudTrail." in body
    assert "We keep the trail on." in body
    assert "AWS SOC 2 Type II" in body
    assert "cloudtrail_multi_region_logging" in body


def test_history_calendar_is_53_weeks_of_7_days_ending_today(history, auditor_client):
    history(400)

    response = auditor_client.get(reverse("control-detail", args=["NET-01"]))

    production, staging = response.context["calendars"]
    assert len(production.weeks) == 53 and all(len(week) == 7 for week in production.weeks)
    days = [cell for week in production.weeks for cell in week if cell]
    assert days[-1].day == timezone.localdate()
    assert days[0].day.weekday() == 0  # Monday at the top of the first column
    assert (days[-1].status, production.current) == ("fail", "fail")
    assert days[-2].status == "pass"  # yesterday (odd offset) passed
    assert staging.current == "pass"
    body = response.content.decode()
    assert f'title="{days[-1].day:%a %Y-%m-%d}: Failing"' in body
    assert body.count('class="d s-') == 2 * len(days)
    # Each month that begins inside the year is labelled above the week column it starts in.
    labels = production.month_labels
    assert len(labels) in (12, 13)
    first_of_months = {cell.day for cell in days if cell.day.day == 1}
    for column, name in labels:
        week = [cell.day for cell in production.weeks[column - 1] if cell]
        assert any(day in first_of_months and f"{day:%b}" == name for day in week)
    assert f">{labels[-1][1]}</span>" in body


def test_failing_resources_come_from_the_latest_finished_run(dashboard, auditor_client):
    account = dashboard.accounts[0]
    old = CollectionRunFactory(account=account, finished_at=timezone.now() - dt.timedelta(days=1))
    gone = CheckResultFactory(run=old, resource__arn="arn:old-bastion")
    latest = CollectionRunFactory(account=account)
    # The latest run's ec2 unit no longer found it: its result ends there, as ingest ends it.
    type(gone).objects.filter(pk=gone.pk).update(ended_run=latest)
    failing = CheckResultFactory(run=latest, resource__arn="arn:bastion", region="eu-west-1")
    CheckResultFactory(run=latest, resource__arn="arn:fine", status="PASS")
    CheckResultFactory(run=latest, resource__arn="arn:other", check_id="s3_bucket_versioning")
    CollectionRunFactory(account=account, status="running", finished_at=None)

    response = auditor_client.get(reverse("control-detail", args=["NET-01"]))

    assert [r.resource.arn for r in response.context["failing"]] == ["arn:bastion"]
    body = response.content.decode()
    assert reverse("evidence-detail", args=[failing.evidence.sha256]) in body
    assert "eu-west-1" in body and "Port 22 open to 0.0.0.0/0" in body


def test_manager_changes_a_parameter_with_a_reason(dashboard, manager_client, manager):
    url = reverse("control-parameter-update", args=["IAM-05", "minimum_length"])

    response = manager_client.post(url, {"value": "16", "reason": "Policy v3"})

    assert response.status_code == 302
    parameter = dashboard.controls["IAM-05"].parameters.get()
    parameter.refresh_from_db()
    assert (parameter.value, parameter.overridden) == (16, True)
    change = ParameterChange.objects.get()
    assert (change.old_value, change.new_value, change.changed_by, change.reason) == (
        14,
        16,
        manager,
        "Policy v3",
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"value": "sixteen", "reason": "x"}, "Enter a JSON value"),
        ({"value": '"16"', "reason": "x"}, "Expected a whole number like"),
        ({"value": "null", "reason": "x"}, "null is not a parameter value"),
        ({"value": "-1", "reason": "x"}, "Give a number from 0 to"),
        ({"value": "[" * 1000, "reason": "x"}, "JSON nested deeper than"),
        ({"value": "16", "reason": ""}, "This field is required"),
    ],
)
def test_bad_parameter_value_shows_the_error(dashboard, manager_client, data, error):
    url = reverse("control-parameter-update", args=["IAM-05", "minimum_length"])

    response = manager_client.post(url, data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not ParameterChange.objects.exists()


def test_control_list_search_finds_ref_name_statement_and_check_ids(history, auditor_client):
    history(1)

    def refs(query: str) -> list[str]:
        response = auditor_client.get(reverse("control-list"), {"q": query})
        return sorted(row.control.ref for row in response.context["rows"])

    assert refs("net-01") == ["NET-01"]
    assert refs("ec2_sg_no_admin_ingress_ipv4") == ["NET-01"]
    assert refs("no-such-words-anywhere") == []
