"""Headless Chromium walks the dashboard as a compliance manager and as an auditor.

Data: the demo account seeded in moto (in-process; the live server is a thread of this process)
and collected for real through the services on ten simulated days (time_machine), with real
changes to the account in between, so the trend chart, the calendars and the recent status
changes show a real history. Nothing is written to the rollup tables by hand; see
``collected_history`` for the story.

Screenshots go to pytest's tmp_path, so a test run leaves the tree clean. To refresh the README's
screenshots, point GRC_SCREENSHOT_DIR at docs/screenshots (relative paths are taken from the
current directory), from the repository root:

    GRC_SCREENSHOT_DIR=docs/screenshots .venv/bin/python -m pytest tests/browser -q
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import boto3
import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from demo import XSS_SG_DESCRIPTION, mutate_demo_account, seed_demo_account
from evidence.collection.models import CollectionRun
from evidence.collection.selectors.results import results_in_run
from evidence.collection.services.accounts import account_create
from evidence.posture.models import ControlStatusEvent
from grc.access.roles import Role
from grc.catalog.loader import catalog_load
from tests.evidence.conftest import MOTO_ACCOUNT, ROLE_ARN, aws, run_collection  # noqa: F401
from tests.factories import UserFactory
from tests.views.conftest import Demo

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
REGIONS = ["us-east-1"]
HISTORY_DAYS = 10  # today and the nine days before; each collection takes about a second
FINISHED = ("succeeded", "finished_with_errors")
WEB_PORTS = (80, 443)

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


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots/ only when asked for (GRC_SCREENSHOT_DIR); otherwise a throwaway dir."""
    directory = Path(os.environ.get("GRC_SCREENSHOT_DIR") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def on_day(day: dt.date, hour: int = 10):
    """Travel to ``hour`` o'clock local time on ``day``; the clock keeps ticking."""
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))))


def collect(account, capture, day: dt.date) -> CollectionRun:
    if day == timezone.localdate():
        return run_collection(account, capture)  # today's run at the real time
    with on_day(day):
        return run_collection(account, capture)


def internet_ingress(ec2) -> list[tuple[str, list[dict]]]:
    """Each security group's ingress rules that admit the whole internet on anything but HTTP(S)
    (the seeded bastion's SSH, the legacy file share's SMB, ...)."""
    found = []
    for group in ec2.describe_security_groups()["SecurityGroups"]:
        rules = [
            rule
            for rule in group["IpPermissions"]
            if rule.get("FromPort") not in WEB_PORTS
            and (
                any(r["CidrIp"] == "0.0.0.0/0" for r in rule.get("IpRanges", []))
                or any(r["CidrIpv6"] == "::/0" for r in rule.get("Ipv6Ranges", []))
            )
        ]
        if rules:
            found.append((group["GroupId"], rules))
    return found


def collected_history(session: boto3.Session, capture) -> Demo:
    """Seed the demo account nine days ago and collect it every day until today, changing it
    through the AWS APIs in between. NET-01 (no admin or file-share ports open to the internet)
    tells the story:

    days -9..-6  pass     the seed's internet-open SSH and SMB rules are held back
    days -5..-3  fail     mutate_demo_account: RDP opened on the web SG (and prod bucket
                          versioning suspended, which fails DP-10)
    day  -2      pass     the RDP rule revoked and versioning re-enabled
    days -1..0   fail     the held-back rules opened (the bastion's SSH is what the walk finds)
    """
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in reversed(range(HISTORY_DAYS))]
    with on_day(days[0], hour=9):
        catalog_load()
        seed_demo_account(session, regions=REGIONS)
        account = account_create(
            account_id=MOTO_ACCOUNT,
            name="Acme production",
            role_arn=ROLE_ARN,
            external_id="ext-secret-7f3a",
            regions=REGIONS,
        )
    ec2, s3 = session.client("ec2"), session.client("s3")
    held_back = internet_ingress(ec2)
    for group_id, rules in held_back:
        ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=rules)
    for day in days[:4]:
        collect(account, capture, day)

    versioning, rdp = mutate_demo_account(session, regions=REGIONS)
    for day in days[4:7]:
        collect(account, capture, day)

    s3.put_bucket_versioning(
        Bucket=versioning["resource"].removeprefix("arn:aws:s3:::"),
        VersioningConfiguration={"Status": "Enabled"},
    )
    [(web, rules)] = internet_ingress(ec2)  # the RDP rule mutate_demo_account added
    assert rdp["resource"].endswith(f"/{web}")
    ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=rules)
    collect(account, capture, days[7])

    for group_id, rules in held_back:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rules)
    for day in days[8:-1]:
        collect(account, capture, day)
    run = collect(account, capture, days[-1])
    assert run.status in FINISHED

    changes = [
        (e.control.ref, e.previous_status, e.status, timezone.localdate(e.occurred_at))
        for e in ControlStatusEvent.objects.filter(account=account).select_related("control")
    ]
    assert sorted(changes, key=lambda change: change[3]) == [
        ("NET-01", "pass", "fail", days[4]),
        ("NET-01", "fail", "pass", days[7]),
        ("NET-01", "pass", "fail", days[8]),
    ]
    return Demo(account=account, run=run)


@pytest.fixture
def site(
    aws,  # noqa: F811
    live_server,
    django_capture_on_commit_callbacks,
    monkeypatch,
    screenshot_dir,
    settings,
    tmp_path,
):
    settings.DATA_DIR = tmp_path  # no local demo's history banner in these pages
    demo = collected_history(aws, django_capture_on_commit_callbacks)
    for username, role in (("maria", Role.MANAGER), ("ade", Role.AUDITOR)):
        user = UserFactory(username=username)
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    queued: list[int] = []
    monkeypatch.setattr("evidence.collection.tasks.collection_run_task.delay", queued.append)
    return {
        "demo": demo,
        "url": live_server.url,
        "queued": queued,
        "screenshots": screenshot_dir,
    }


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


def shoot(page, site, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(site["screenshots"] / f"{name}.png"), full_page=full_page)


def walk_to_evidence(page, site, *, screenshots: bool) -> None:
    """overview -> SOC 2 -> NET-01 -> the bastion security group's evidence document."""
    page.wait_for_function("() => window.Chart && Chart.getChart('trend-chart')")
    assert page.locator(".readiness").count() == 3
    assert page.locator("#trend-data").count() == 1
    # The collected history's status changes, newest first.
    changes = page.locator("#changes-h + table tbody tr", has_text="NET-01")
    assert [row.inner_text().split("\t")[-1] for row in changes.all()] == [
        "Passing → Failing",
        "Failing → Passing",
        "Passing → Failing",
    ]
    if screenshots:
        shoot(page, site, "overview")

    page.locator(".readiness h3 a", has_text="SOC 2").click()
    page.wait_for_selector("h1:has-text('SOC 2 Trust Services Criteria')")
    assert page.locator("a.chip").count() > 20
    if screenshots:
        # The whole tree is several screens long: show the access criteria, where AWS shows up.
        page.evaluate("document.getElementById('criterion-cc61').scrollIntoView()")
        shoot(page, site, "framework", full_page=False)

    page.locator("#criterion-cc66 a.chip", has_text="NET-01").click()
    page.wait_for_selector("h1:has-text('NET-01')")
    assert page.locator(".calendar .d").count() >= 365
    caption = page.inner_text(".calendar-wrap figcaption")
    assert "last year: 5 passing, 5 failing days" in caption, caption
    latest = CollectionRun.objects.filter(account=site["demo"].account, status__in=FINISHED)
    [bastion] = [
        result
        for result in results_in_run(latest.first().pk)
        .filter(check_id="ec2_sg_no_admin_ingress_ipv4", status="FAIL")
        .select_related("resource", "evidence")
        if XSS_SG_DESCRIPTION in str(result.evidence.content)
    ]
    row = page.locator("#failing tr", has_text=bastion.resource.arn).filter(
        has_text=bastion.check_id
    )
    assert row.count() == 1
    if screenshots:
        shoot(page, site, "control")

    row.locator("a").click()
    page.wait_for_selector("h1:has-text('Evidence document')")
    assert bastion.evidence.sha256 in page.inner_text("main")
    assert XSS_SG_DESCRIPTION in page.inner_text("pre#document")  # shown as text
    assert page.locator("main img").count() == 0  # and never parsed as markup
    if screenshots:
        shoot(page, site, "evidence")


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
    shoot(page, site, "account")

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
