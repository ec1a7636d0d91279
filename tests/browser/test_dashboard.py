"""Headless Chromium walks the dashboard as a compliance manager and as an auditor.

Data: the demo account seeded in moto (in-process; the live server is a thread of this process)
and collected for real through the services. Older days are a synthetic backfill derived from
today's rollup (so the trend chart, the calendar and the recent changes have a shape in the
screenshots); nothing else is faked.
Screenshots land in docs/screenshots/ for the README.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from evidence.demo import XSS_SG_DESCRIPTION
from evidence.models import (
    CheckResult,
    CollectionRun,
    ControlStatus,
    ControlStatusDaily,
    ControlStatusEvent,
    PostureDaily,
)
from grc.catalog.models import Control
from grc.roles import Role
from tests.evidence.conftest import aws  # noqa: F401
from tests.factories import UserFactory
from tests.views.conftest import Demo, demo_collected

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = shutil.which("chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
BACKFILL_DAYS = 120
FINISHED = ("succeeded", "partial")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed"),
    # live_server needs committed data; serialized_rollback restores the migration-made groups
    # and schedules afterwards so later tests still find them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def backfill_history(demo: Demo, days: int) -> None:
    """Copy today's rollup to earlier days, with a few controls failing or fixed in the past."""
    today = timezone.localdate()
    rows = list(ControlStatusDaily.objects.filter(account=demo.account, day=today))
    failing_now = sorted(r.control_id for r in rows if r.status == ControlStatus.FAIL)
    passing_now = sorted(r.control_id for r in rows if r.status == ControlStatus.PASS)
    # Some of today's failures are recent regressions; some passes were fixed a while ago.
    regressed = {pk: 10 + 9 * n for n, pk in enumerate(failing_now[:4])}
    fixed = {pk: 30 + 15 * n for n, pk in enumerate(passing_now[:5])}
    # The control the walk opens: failing before it was partly fixed, passing before that.
    network = Control.objects.get(ref="NET-01").pk
    story = [(26, ControlStatus.FAIL), (71, ControlStatus.PASS)]
    daily, posture = [], []
    for offset in range(1, days):
        day = today - dt.timedelta(days=offset)
        if offset % 11 == 5:
            continue  # a missed collection: a gap in the chart and the calendar
        tally: Counter[str] = Counter()
        for row in rows:
            status = row.status
            if row.control_id in regressed and offset > regressed[row.control_id]:
                status = ControlStatus.PASS
            if row.control_id in fixed and offset > fixed[row.control_id]:
                status = ControlStatus.FAIL
            if row.control_id == network:
                status = next((s for after, s in reversed(story) if offset > after), status)
            tally[status] += 1
            daily.append(
                ControlStatusDaily(
                    account=demo.account, control_id=row.control_id, day=day, status=status
                )
            )
        posture.append(
            PostureDaily(
                account=demo.account,
                day=day,
                passing=tally[ControlStatus.PASS],
                failing=tally[ControlStatus.FAIL],
                partial=tally[ControlStatus.PARTIAL],
                not_evidenced=tally[ControlStatus.NOT_EVIDENCED],
            )
        )
    ControlStatusDaily.objects.bulk_create(daily, batch_size=2000)
    PostureDaily.objects.bulk_create(posture)
    ControlStatusEvent.objects.bulk_create(
        ControlStatusEvent(
            account=demo.account,
            control_id=pk,
            previous_status=ControlStatus.PASS,
            status=ControlStatus.FAIL,
            occurred_at=timezone.now() - dt.timedelta(days=offset),
        )
        for pk, offset in regressed.items()
    )


@pytest.fixture
def site(aws, live_server, django_capture_on_commit_callbacks, monkeypatch):  # noqa: F811
    demo = demo_collected(aws, django_capture_on_commit_callbacks)
    backfill_history(demo, BACKFILL_DAYS)
    for username, role in (("maria", Role.MANAGER), ("ade", Role.AUDITOR)):
        user = UserFactory(username=username)
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    queued: list[int] = []
    monkeypatch.setattr("evidence.tasks.collection_run_task.delay", queued.append)
    return {"demo": demo, "url": live_server.url, "queued": queued}


def signed_in_page(browser, site, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []

    def refuse(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.goto(f"{site['url']}/auth/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", "password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site['url']}/")
    return context, page, dialogs


def shoot(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def walk_to_evidence(page, site, *, screenshots: bool) -> None:
    """overview -> SOC 2 -> NET-01 -> the bastion security group's evidence document."""
    page.wait_for_function("() => window.Chart && Chart.getChart('trend-chart')")
    assert page.locator(".readiness").count() == 3
    assert page.locator("#trend-data").count() == 1
    if screenshots:
        shoot(page, "overview")

    page.locator(".readiness h3 a", has_text="SOC 2").click()
    page.wait_for_selector("h1:has-text('SOC 2 Trust Services Criteria')")
    assert page.locator("a.chip").count() > 20
    if screenshots:
        # The whole tree is several screens long: show the access criteria, where AWS shows up.
        page.evaluate("document.getElementById('criterion-cc61').scrollIntoView()")
        shoot(page, "framework", full_page=False)

    page.locator("#criterion-cc66 a.chip", has_text="NET-01").click()
    page.wait_for_selector("h1:has-text('NET-01')")
    assert page.locator(".calendar .d").count() >= 365
    latest = CollectionRun.objects.filter(account=site["demo"].account, status__in=FINISHED)
    [bastion] = [
        result
        for result in CheckResult.objects.filter(
            run=latest.first(), check_id="ec2_sg_no_admin_ingress_ipv4", status="FAIL"
        ).select_related("resource", "evidence")
        if XSS_SG_DESCRIPTION in str(result.evidence.content)
    ]
    row = page.locator("#failing tr", has_text=bastion.resource.arn).filter(
        has_text=bastion.check_id
    )
    assert row.count() == 1
    if screenshots:
        shoot(page, "control")

    row.locator("a").click()
    page.wait_for_selector("h1:has-text('Evidence document')")
    assert bastion.evidence.sha256 in page.inner_text("main")
    assert XSS_SG_DESCRIPTION in page.inner_text("pre#document")  # shown as text
    assert page.locator("main img").count() == 0  # and never parsed as markup
    if screenshots:
        shoot(page, "evidence")


def test_manager_then_auditor_walk_the_dashboard(browser, site):
    """One test for both roles: seeding and collecting the moto account is the slow part."""
    manager_walk(browser, site)
    auditor_walk(browser, site)


def manager_walk(browser, site) -> None:
    context, page, dialogs = signed_in_page(browser, site, "maria")
    walk_to_evidence(page, site, screenshots=True)

    page.goto(f"{site['url']}/controls/IAM-04/")
    assert page.locator("#parameters form").count() == 3

    page.click("nav >> text=Accounts")
    page.locator("table.grid a", has_text=site["demo"].account.name).click()
    page.click("#collect-now")
    page.wait_for_selector(".messages li.success")
    run = CollectionRun.objects.filter(account=site["demo"].account).first()
    assert (run.status, run.trigger, run.requested_by.username) == ("queued", "manual", "maria")
    assert site["queued"] == [run.pk]
    assert page.locator("#runs[hx-trigger]").count() == 1  # progress polls while active
    shoot(page, "account")

    page.click("#collect-now")  # a second click while the first run is queued
    page.wait_for_selector(".messages li.warning:has-text('already queued')")
    assert dialogs == []
    context.close()


def auditor_walk(browser, site) -> None:
    context, page, dialogs = signed_in_page(browser, site, "ade")
    walk_to_evidence(page, site, screenshots=False)

    page.goto(f"{site['url']}/controls/IAM-04/")
    assert page.locator("#parameters form").count() == 0
    account_url = f"{site['url']}/accounts/{site['demo'].account.account_id}/"
    page.goto(account_url)
    assert page.locator("#collect-now").count() == 0
    assert "ext-secret" not in page.content()

    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{account_url}collect/", headers={"X-CSRFToken": token, "Referer": account_url}
    )
    assert response.status == 403
    assert "CSRF" not in response.text()  # refused for the role, not for a missing token
    assert CollectionRun.objects.filter(trigger="manual", requested_by__username="ade").count() == 0
    assert len(site["queued"]) == 1  # only the manager's run
    assert dialogs == []
    context.close()
