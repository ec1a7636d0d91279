"""Risk exceptions: the approval rules, scopes on a real (moto) collection, expiry, findings."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.exceptions.models import RiskException
from evidence.exceptions.services.exceptions import (
    exception_decide,
    exception_request,
    exception_revoke,
)
from evidence.posture.models import ControlStatusDaily, ControlStatusEvent
from grc.access.roles import Role
from grc.catalog.models import Control, ControlCheck
from tests.evidence.conftest import run_collection
from tests.factories import UserFactory
from tests.views.conftest import user_with_role

pytestmark = pytest.mark.django_db
CHECK = "ec2_sg_no_admin_ingress_ipv4"
DAY_ONE = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def people(db):
    return UserFactory(username="requester"), UserFactory(username="approver")


@pytest.fixture
def network_control(db) -> Control:
    control = Control.objects.create(
        ref="NET-X", name="No admin ports open", statement="...", responsibility="customer"
    )
    ControlCheck.objects.create(control=control, check_id=CHECK)
    return control


@pytest.fixture
def open_groups(aws):
    """Two security groups open to the world on SSH: a tagged bastion and a web group."""
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    groups = {}
    for name, tags in (("bastion", [{"Key": "exposure", "Value": "bastion"}]), ("web", [])):
        group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if tags:
            ec2.create_tags(Resources=[group], Tags=tags)
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ],
        )  # fmt: skip
        groups[name] = f"arn:aws:ec2:us-east-1:123456789012:security-group/{group}"
    return groups


def _approved(people, **fields) -> RiskException:
    requester, approver = people
    defaults = {
        "check_id": CHECK,
        "justification": "Bastion must accept SSH from field engineers.",
        "risk_rating": "medium",
        "ends_on": dt.date(2026, 3, 1),
        "requested_by": requester,
    }
    exception = exception_request(**(defaults | fields))
    return exception_decide(exception=exception, approve=True, decided_by=approver)


def _status(control, account, day) -> str:
    return ControlStatusDaily.objects.get(control=control, account=account, day=day).status


def test_the_requester_cannot_approve_their_own_exception(people):
    requester, _ = people
    with time_machine.travel(DAY_ONE, tick=False):
        exception = exception_request(
            check_id=CHECK, scope="region", scope_value="us-east-1", justification="x",
            risk_rating="low", ends_on=dt.date(2026, 4, 1), requested_by=requester,
        )  # fmt: skip
        with pytest.raises(ValidationError, match="cannot approve"):
            exception_decide(exception=exception, approve=True, decided_by=requester)
    exception.refresh_from_db()
    assert exception.state == RiskException.State.REQUESTED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_on": dt.date(2027, 6, 1)}, "ends_on"),  # beyond the one-year maximum
        ({"ends_on": dt.date(2026, 2, 1)}, "ends_on"),  # in the past
        ({"check_id": "no_such_check"}, "check_id"),
        ({"scope": "arn_pattern", "scope_value": "*"}, "scope_value"),
        ({"scope": "tag", "scope_value": "no-equals-sign"}, "scope_value"),
        ({"justification": "  "}, "justification"),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(people, fields, field):
    requester, _ = people
    request = {
        "check_id": CHECK, "scope": "region", "scope_value": "us-east-1",
        "justification": "ok", "risk_rating": "low", "ends_on": dt.date(2026, 4, 1),
        "requested_by": requester,
    } | fields  # fmt: skip
    with time_machine.travel(DAY_ONE, tick=False), pytest.raises(ValidationError) as refused:
        exception_request(**request)
    assert field in refused.value.message_dict
    assert not RiskException.objects.exists()


def test_arn_pattern_and_tag_scopes_except_matching_failures_until_expiry(
    aws, account, network_control, open_groups, people, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAY_ONE - dt.timedelta(hours=2), tick=False):
        bastion = _approved(people, scope="tag", scope_value="exposure=bastion")
        web = _approved(
            people, scope="arn_pattern", scope_value=open_groups["web"][:-6] + "*",
            ends_on=dt.date(2026, 3, 5),
        )  # fmt: skip
    with time_machine.travel(DAY_ONE, tick=False):
        run_collection(account, django_capture_on_commit_callbacks)
    day_one = ControlStatusDaily.objects.get(control=network_control, day=DAY_ONE.date())
    assert (day_one.status, day_one.fail_count, day_one.excepted_count) == ("excepted", 0, 2)

    # The tag exception ended on day one: the bastion fails again on the next rollup.
    with time_machine.travel(DAY_ONE + dt.timedelta(days=1), tick=False):
        second = run_collection(account, django_capture_on_commit_callbacks)
    day_two = ControlStatusDaily.objects.get(control=network_control, day=dt.date(2026, 3, 2))
    assert (day_two.status, day_two.fail_count, day_two.excepted_count) == ("fail", 1, 1)
    event = ControlStatusEvent.objects.get(control=network_control)
    assert (event.previous_status, event.status, event.run) == ("excepted", "fail", second)
    assert bastion.active_on(dt.date(2026, 3, 1)) and not bastion.active_on(dt.date(2026, 3, 2))
    assert web.active_on(dt.date(2026, 3, 2))


def test_a_revoked_exception_stops_excepting_and_keeps_its_trail(
    aws, account, network_control, open_groups, people, django_capture_on_commit_callbacks
):
    _, approver = people
    with time_machine.travel(DAY_ONE - dt.timedelta(hours=2), tick=False):
        exception = _approved(
            people, scope="account", account=account, ends_on=dt.date(2026, 3, 10)
        )
        exception_revoke(exception=exception, revoked_by=approver, reason="Bastion retired")
    with time_machine.travel(DAY_ONE, tick=False):
        run_collection(account, django_capture_on_commit_callbacks)
    assert _status(network_control, account, DAY_ONE.date()) == "fail"
    exception.refresh_from_db()
    assert (exception.state, exception.revoke_reason, exception.decided_by) == (
        "revoked", "Bastion retired", approver,
    )  # fmt: skip


def test_findings_page_api_and_csv_show_the_same_state(
    aws, account, network_control, open_groups, people, django_capture_on_commit_callbacks,
    client,
):  # fmt: skip
    with time_machine.travel(DAY_ONE - dt.timedelta(hours=2), tick=False):
        _approved(people, scope="arn", scope_value=open_groups["web"], ends_on=dt.date(2026, 3, 5))
    with time_machine.travel(DAY_ONE, tick=False):
        run_collection(account, django_capture_on_commit_callbacks)
        client.force_login(user_with_role("auditor", Role.AUDITOR))
        page = client.get(reverse("finding-list"), {"check": CHECK})
        excepted = client.get(reverse("finding-list"), {"check": CHECK, "state": "excepted"})
        exported = client.get(reverse("finding-export"), {"check": CHECK})
        body = b"".join(exported.streaming_content).decode()

    states = {f.result.resource.arn: f.state for f in page.context["findings"]}
    assert states == {open_groups["web"]: "excepted", open_groups["bastion"]: "failing"}
    assert [f.result.resource.arn for f in excepted.context["findings"]] == [open_groups["web"]]
    assert all(f.guidance and f.controls == ["NET-X"] for f in page.context["findings"])
    assert exported["Content-Disposition"] == 'attachment; filename="findings.csv"'
    assert f"excepted,{CHECK}" in body and f"failing,{CHECK}" in body


def test_findings_api_matches_the_page(
    aws, account, network_control, open_groups, people, django_capture_on_commit_callbacks,
    client,
):  # fmt: skip
    with time_machine.travel(DAY_ONE - dt.timedelta(hours=2), tick=False):
        exception = _approved(
            people, scope="arn", scope_value=open_groups["web"], ends_on=dt.date(2026, 3, 5)
        )
    with time_machine.travel(DAY_ONE, tick=False):
        run_collection(account, django_capture_on_commit_callbacks)
        client.force_login(user_with_role("auditor", Role.AUDITOR))
        body = client.get("/api/v1/findings/", {"check": CHECK, "sort": "check"}).json()
        refused = client.get("/api/v1/findings/", {"state": "bogus"})

    states = {item["resource"]: (item["state"], item["exception"]) for item in body["results"]}
    assert states == {
        open_groups["web"]: ("excepted", exception.pk),
        open_groups["bastion"]: ("failing", None),
    }
    assert all(item["guidance"]["cli"].startswith("aws ") for item in body["results"])
    assert refused.status_code == 400 and "error" in refused.json()


def test_the_api_refuses_an_approval_by_the_requester(people, client):
    requester, _ = people
    requester.groups.add(Group.objects.get_or_create(name=Role.MANAGER.value)[0])
    client.force_login(requester)
    with time_machine.travel(DAY_ONE, tick=False):
        created = client.post(
            "/api/v1/exceptions/",
            {"check_id": CHECK, "scope": "region", "scope_value": "us-east-1",
             "justification": "lab region", "risk_rating": "low", "ends_on": "2026-04-01"},
            content_type="application/json",
        )  # fmt: skip
        approve = client.post(f"/api/v1/exceptions/{created.json()['id']}/approve/", {})

    assert created.status_code == 201 and created.json()["state"] == "requested"
    assert approve.status_code == 400
    assert "cannot approve" in str(approve.json())
