"""From an empty database, the demo's own setup (seed, first collection, simulated history by
real collections), then every navigation link as each role in headless Chromium.

The history is the demo's last 30 days rather than its 90 (each day is a whole collection, so 90
took most of this test's minutes): the story's older changes are then made before the first
collected day, as history_build does for any shorter history, and its trail outage (stopped 30
days ago, started 23 days ago) still happens inside the collected days, so statuses change.

Fails on any 404 or 5xx, a debug page, a page without styles, or any request to a host other
than the product's (every such request is aborted and recorded).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group

from demo import seed_demo_account
from demo.history import collect_synchronously, history_build
from evidence.collection.services.accounts import account_create
from evidence.posture.models import ControlStatusEvent, PostureDaily
from grc.access.roles import Role
from grc.catalog.loader import catalog_load
from tests.browser.test_dashboard import CHROMIUM, browser, signed_in_page  # noqa: F401
from tests.evidence.conftest import MOTO_ACCOUNT, ROLE_ARN, aws  # noqa: F401
from tests.factories import UserFactory

DAYS = 30  # one of the dashboard's trend ranges, so ?days=DAYS shows every collected day
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DEBUG_MARKERS = ("You're seeing this error because you have", "Traceback (most recent call last)")


@pytest.fixture
def demo_site(aws, live_server, settings, tmp_path):  # noqa: F811
    settings.DATA_DIR = tmp_path  # the history's progress file, read by the banner
    catalog_load()
    seed_demo_account(aws, regions=["us-east-1"])
    account = account_create(
        account_id=MOTO_ACCOUNT,
        name="Acme Analytics (demo)",
        role_arn=ROLE_ARN,
        external_id="ext-secret-7f3a",
        regions=["us-east-1"],
    )
    collect_synchronously(account, threads=1)  # the first real collection
    history_build(aws, account, DAYS, clock=lambda _when: None, threads=1)
    UserFactory(username="root", is_superuser=True, is_staff=True)
    for username, role in (("maria", Role.MANAGER), ("ade", Role.AUDITOR)):
        user = UserFactory(username=username)
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return {"url": live_server.url, "account": account}


def walk_navigation(browser, site, username: str) -> list[str]:  # noqa: F811
    context, page, dialogs = signed_in_page(browser, site, username)
    host = urlsplit(site["url"]).netloc
    outside: list[str] = []
    failures: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).netloc == host:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page.on(
        "response",
        lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    links = page.eval_on_selector_all("header nav a", "els => els.map(e => e.href)")
    for link in links:
        page.goto(link)
        page.wait_for_load_state("networkidle")
        body = page.content()
        assert not any(marker in body for marker in DEBUG_MARKERS), link
        assert page.evaluate("document.styleSheets.length") > 0, f"unstyled: {link}"
    assert failures == [], failures
    assert outside == [], outside
    assert dialogs == []
    context.close()
    return [urlsplit(link).path for link in links]


def test_every_nav_link_as_each_role_after_the_demo_history(browser, demo_site):  # noqa: F811
    account = demo_site["account"]
    assert PostureDaily.objects.filter(account=account).count() == DAYS + 1
    changed = set(
        ControlStatusEvent.objects.filter(account=account).values_list("control__ref", flat=True)
    )
    assert changed, "the story's changes left no status change"

    everyone = [
        "/", "/frameworks/", "/controls/", "/findings/", "/exceptions/", "/accounts/",
        "/organizations/", "/manual/requests/",
    ]  # fmt: skip
    managers = ["/manual/reviews/"]
    with_a_role = ["/manual/attestations/", "/notifications/", "/packets/", "/api/docs/"]
    assert walk_navigation(browser, demo_site, "root") == [
        "/",
        *everyone,
        *managers,
        *with_a_role,
        "/api/keys/",
        "/users/",
        "/admin/",
    ]
    assert walk_navigation(browser, demo_site, "maria") == ["/", *everyone, *managers, *with_a_role]
    assert walk_navigation(browser, demo_site, "ade") == ["/", *everyone, *with_a_role]

    context, page, _ = signed_in_page(browser, demo_site, "ade")
    page.goto(f"{demo_site['url']}/?days={DAYS}")
    assert "Simulated history" in page.inner_text("#demo-history")
    trend = json.loads(page.inner_text("#trend-data"))
    assert len(trend["labels"]) == DAYS
    assert sum(value is not None for value in trend["passing"]) == DAYS
    page.wait_for_function("() => window.Chart && Chart.getChart('trend-chart')")
    context.close()
