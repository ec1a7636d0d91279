"""Issue 15's defects, one test each: navigation, error pages, times, filters, quiet docs."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evidence.collection.models import CollectionRun
from evidence.collection.templatetags.durations import duration_text
from tests.evidence.conftest import aws  # noqa: F401
from tests.factories import (
    CheckResultFactory,
    CollectionRunFactory,
    CollectionUnitFactory,
    UserFactory,
)
from tests.views.conftest import TODAY_STATUS

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


NAV_FOR_EVERYONE = [
    "/",
    "/frameworks/",
    "/controls/",
    "/findings/",
    "/exceptions/",
    "/accounts/",
    "/organizations/",
    "/manual/requests/",
]
NAV_FOR_MANAGERS = ["/manual/reviews/"]
NAV_FOR_ROLES = ["/manual/attestations/", "/notifications/", "/packets/", "/api/docs/"]
NAV_FOR_ADMINS = ["/api/keys/", "/users/", "/admin/"]


def nav_links(body: str) -> list[str]:
    nav = body[body.index('<nav aria-label="Main">') : body.index("</nav>")]
    return [part.split('"')[0] for part in nav.split('href="')[1:]]


def test_navigation_reaches_every_page_for_an_admin(dashboard, admin_client):
    links = nav_links(admin_client.get("/").content.decode())

    assert links == ["/", *NAV_FOR_EVERYONE, *NAV_FOR_MANAGERS, *NAV_FOR_ROLES, *NAV_FOR_ADMINS]
    for url in links:
        assert admin_client.get(url).status_code == 200, url


def test_navigation_hides_admin_pages_from_an_auditor(dashboard, auditor_client):
    links = nav_links(auditor_client.get("/").content.decode())

    assert links == ["/", *NAV_FOR_EVERYONE, *NAV_FOR_ROLES]
    for url in links:
        assert auditor_client.get(url).status_code == 200, url


def test_frameworks_list_links_each_framework_with_its_readiness(history, auditor_client):
    history(1)

    response = auditor_client.get(reverse("framework-list"))

    body = response.content.decode()
    assert 'href="/frameworks/soc2-2017/?"' in body
    [item] = response.context["readiness"]
    # CC6.1 is not evidenced: its weakest control, PHY-01, has no evidence yet.
    assert (item.total, item.passing, item.failing) == (4, 1, 1)


def test_forbidden_is_a_styled_page_logged_once_without_a_traceback(auditor_client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = auditor_client.get(reverse("api:apikey-list"))

    assert response.status_code == 403
    body = response.content.decode()
    assert "Your role does not allow this" in body and 'class="topbar"' in body
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None and records[0].exc_text is None
    # Django's own debug console handler would print it a second time.
    assert settings.LOGGING["loggers"]["django"]["propagate"] is False


def test_not_found_is_a_styled_page(auditor_client):
    response = auditor_client.get("/controls/NOPE-99/")

    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_server_error_page_needs_no_request_context():
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "Something went wrong on our side" in body and "grc.css" in body


def test_run_page_shows_units_and_is_linked_from_runs_and_evidence(dashboard, auditor_client):
    account = dashboard.accounts[0]
    result = CheckResultFactory(run=CollectionRunFactory(account=account, units_total=2))
    CollectionUnitFactory(
        run=result.run,
        service="s3",
        region="global",
        status="error",
        error="AccessDenied: s3:ListAllMyBuckets",
    )
    run = result.run

    body = auditor_client.get(reverse("run-detail", args=[run.pk])).content.decode()

    assert f"Collection run #{run.pk}" in body
    assert "AccessDenied: s3:ListAllMyBuckets" in body and ">ec2<" in body
    link = f'href="/runs/{run.pk}/"'
    assert (
        link
        in auditor_client.get(reverse("account-detail", args=[account.account_id])).content.decode()
    )
    evidence = auditor_client.get(reverse("evidence-detail", args=[result.evidence.sha256]))
    assert link in evidence.content.decode()
    assert 'href="/controls/NET-01/"' in evidence.content.decode()  # back to its control
    assert auditor_client.get(reverse("run-detail", args=[999999])).status_code == 404


def test_next_collection_of_a_new_account_is_its_schedule_not_now(dashboard, auditor_client):
    account = dashboard.accounts[0]  # registered just now, every 24 h, beat never ran it

    item = next(
        c
        for c in auditor_client.get(reverse("overview")).context["collections"]
        if c.account == account
    )

    assert item.next_run_at - timezone.now() > dt.timedelta(hours=23, minutes=59)
    assert account.schedule.start_time == item.next_run_at


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(28.4, "28 s"), (59.6, "1 min"), (252, "4 min 12 s"), (7500, "2 h 5 min"), (3600, "1 h")],
)
def test_durations_read_in_seconds_minutes_or_hours(seconds, text):
    assert duration_text(seconds) == text


def test_runs_table_says_took_28_s_not_0_minutes(dashboard, auditor_client):
    start = timezone.now() - dt.timedelta(minutes=5)
    account = dashboard.accounts[0]
    CollectionRunFactory(account=account, finished_at=start + dt.timedelta(seconds=28))
    CollectionRun.objects.filter(account=account).update(created_at=start)

    body = auditor_client.get(reverse("account-detail", args=[account.account_id])).content.decode()

    assert "took 28 s" in body and "0 minutes" not in body


def test_collect_card_stops_polling_and_shows_the_result(dashboard, manager_client):
    account = dashboard.accounts[0]
    run = CollectionRunFactory(
        account=account, status="running", finished_at=None, units_total=4, units_done=1
    )
    url = reverse("account-collect-card", args=[account.account_id])
    assert 'hx-trigger="every 3s"' in manager_client.get(url).content.decode()

    CollectionRun.objects.filter(pk=run.pk).update(
        status="succeeded", units_done=4, finished_at=timezone.now(), pass_count=61, fail_count=7
    )
    body = manager_client.get(url).content.decode()

    assert "hx-trigger" not in body and "starting" not in body
    assert "Succeeded" in body and "61 pass, 7 fail" in body


def readiness(response, slug="soc2-2017"):
    [item] = [r for r in response.context["overview"].readiness if r.framework.slug == slug]
    return item


def test_readiness_honours_the_responsibility_filter(history, auditor_client):
    history(1)

    response = auditor_client.get(reverse("overview"), {"responsibility": "shared"})

    item = readiness(response)
    # Only CC7.2 is mapped to a shared control (LOG-01, passing).
    assert (item.total, item.passing, item.failing) == (1, 1, 0)
    assert 'name="responsibility"' in response.content.decode()


def test_trend_honours_control_filters(history, auditor_client, dashboard):
    history(3)

    everything = auditor_client.get(reverse("overview"), {"days": 7}).context["trend"]
    shared = auditor_client.get(
        reverse("overview"), {"days": 7, "responsibility": "shared"}
    ).context["trend"]

    per_account = sum(1 for (ref, _), s in TODAY_STATUS.items() if s == "pass")
    assert everything["passing"][-1] == per_account
    assert shared["passing"][-1] == 2  # LOG-01 in both accounts
    assert shared["failing"][-1] == 0


def test_api_key_form_starts_with_the_signed_in_owner(admin_client):
    form = admin_client.get(reverse("api:apikey-create")).context["form"]

    assert form["owner"].value() is not None


def test_criterion_chips_link_to_the_framework_page(dashboard, auditor_client):
    body = auditor_client.get(reverse("control-detail", args=["IAM-05"])).content.decode()

    assert 'href="/frameworks/soc2-2017/#criterion-cc61"' in body


def test_redoc_loads_nothing_from_the_internet(auditor_client):
    body = auditor_client.get(reverse("api:redoc")).content.decode()

    assert "googleapis" not in body and "gstatic" not in body and "cdn." not in body
    assert "redoc.standalone.js" in body


def test_connection_test_shows_identity_and_readable_services(aws, manager_client):  # noqa: F811
    from evidence.collection.services.accounts import account_create
    from tests.evidence.conftest import MOTO_ACCOUNT, ROLE_ARN

    account = account_create(
        account_id=MOTO_ACCOUNT,
        name="Acme",
        role_arn=ROLE_ARN,
        external_id="ext-secret-7f3a",
        regions=["us-east-1"],
    )

    response = manager_client.post(reverse("account-connection-test", args=[account.account_id]))

    report = response.context["connection"]
    assert report.assumed and report.identity["Account"] == MOTO_ACCOUNT
    assert {probe.service for probe in report.probes if probe.ok} >= {"iam", "s3", "ec2"}
    assert "Connected" in response.content.decode()


def test_connection_test_shows_why_a_role_cannot_be_assumed(dashboard, manager_client):
    account = dashboard.accounts[0]
    type(account).objects.filter(pk=account.pk).update(
        role_arn="arn:aws:iam::111111111111:user/not-a-role"
    )

    response = manager_client.post(reverse("account-connection-test", args=[account.account_id]))

    assert not response.context["connection"].assumed
    assert "The role could not be assumed" in response.content.decode()


def test_admin_invites_a_user_and_sets_roles(admin_client, dashboard):
    from django.contrib.auth import get_user_model

    from grc.access.roles import role_of

    response = admin_client.post(
        reverse("user-list"), {"username": "ade", "email": "ade@example.com", "role": "Auditor"}
    )

    assert response.status_code == 200
    password = response.context["password"]
    ade = get_user_model().objects.get(username="ade")
    assert role_of(ade) == "Auditor" and ade.check_password(password)
    assert (
        "no-cache" in response.headers["Cache-Control"]
        or "max-age=0" in response.headers["Cache-Control"]
    )
    admin_client.post(reverse("user-role", args=[ade.pk]), {"role": "Compliance manager"})
    assert role_of(ade) == "Compliance manager"
    client = Client()
    client.force_login(ade)
    assert client.get(reverse("user-list")).status_code == 403  # managers do not manage users
    assert "ade" in admin_client.get(reverse("user-list")).content.decode()


def test_registration_tests_the_connection_and_says_unverified(
    dashboard,
    manager_client,
    aws,  # noqa: F811
    monkeypatch,
):
    from botocore.exceptions import ClientError

    from evidence.collection.services import connection

    real_assume = connection.assume_role_session

    def refuse(role_arn, external_id, **kwargs):
        if "333333333333" in role_arn:  # the account's trust policy does not name us
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized: ExternalId"}},
                "AssumeRole",
            )
        return real_assume(role_arn, external_id, **kwargs)

    monkeypatch.setattr(connection, "assume_role_session", refuse)
    data = {
        "name": "Data",
        "account_id": "333333333333",
        "role_arn": "arn:aws:iam::333333333333:role/GrcEvidenceReader",
        "external_id": "a-valid-but-wrong-external-id",
        "regions": "us-east-1",
        "schedule_hours": "24",
    }

    response = manager_client.post(reverse("account-register"), data, follow=True)

    body = response.content.decode()
    assert "unverified: the role could not be assumed" in body and "ExternalId" in body

    data.update(account_id="444444444444", role_arn="arn:aws:iam::444444444444:role/R")
    data["external_id"] = "long-enough-external-id"
    body = manager_client.post(reverse("account-register"), data, follow=True).content.decode()
    assert "and connected as arn:aws:sts::444444444444:assumed-role/R/" in body
    assert "services readable" in body
