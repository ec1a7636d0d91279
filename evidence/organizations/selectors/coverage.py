"""Does every member account have CloudTrail and AWS Config? The roll-up of its own checks.

For each member of an organization, the latest finished run of its account (succeeded, with
errors, or failed) decides, from that run's results of the account's own checks:

- CloudTrail: ``cloudtrail_multi_region_logging`` (a multi-region trail, an organization trail's
  shadow included, is logging);
- AWS Config: ``config_recorder_all_regions`` (a recorder on in every collected region, and
  global resource types recorded once).

A topic is FAIL if any of its results fails, else ERROR if any could not be read, else PASS if
one passes; NOT_COLLECTED when the account has no finished run, or the run did not evaluate the
check. A run that failed outright (the role could not be assumed, say) is ERROR with its reason.
Three queries whatever the number of members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from evidence.collection.models import CheckResult, CollectionRun
from evidence.collection.selectors.results import results_in_runs
from evidence.organizations.messages import assume_role_explained
from evidence.organizations.models import Organization, OrganizationAccount

Status = CheckResult.Status
NOT_COLLECTED = "NOT_COLLECTED"
TOPICS: dict[str, tuple[str, ...]] = {
    "cloudtrail": ("cloudtrail_multi_region_logging",),
    "config": ("config_recorder_all_regions",),
}
FINISHED = (*CollectionRun.FINISHED_WITH_RESULTS, CollectionRun.Status.FAILED)


LABELS = {"PASS": "pass", "FAIL": "fail", "ERROR": "error", NOT_COLLECTED: "not collected yet"}


@dataclass(frozen=True)
class TopicCoverage:
    status: str  # PASS, FAIL, ERROR (CheckResult.Status values) or NOT_COLLECTED
    reason: str

    @property
    def label(self) -> str:
        return LABELS[self.status]


@dataclass(frozen=True)
class MemberCoverage:
    member: OrganizationAccount
    run: CollectionRun | None  # the latest finished run, None before the first
    cloudtrail: TopicCoverage
    config: TopicCoverage

    @property
    def topics(self) -> tuple[TopicCoverage, TopicCoverage]:
        """In the page's column order: CloudTrail, AWS Config."""
        return (self.cloudtrail, self.config)


@dataclass(frozen=True)
class ResultRow:
    run_id: int
    check_id: str
    status: str
    reason: str


def _results_of_runs(run_of: dict[int, int], check_ids: Iterable[str]) -> list[ResultRow]:
    """The results each run observed; ``run_of`` maps each account to its one run."""
    rows = results_in_runs(run_of.values()).filter(check_id__in=list(check_ids)).order_by("id")
    return [
        ResultRow(run_of[account_id], check_id, status, reason)
        for account_id, check_id, status, reason in rows.values_list(
            "account_id", "check_id", "status", "reason"
        )
    ]


def topic_coverage(results: list[ResultRow]) -> TopicCoverage:
    """One topic's verdict from its results in one run (see the module docstring)."""
    for status in (Status.FAIL, Status.ERROR, Status.PASS):
        found = [result for result in results if result.status == status]
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            return TopicCoverage(str(status), found[0].reason + more)
    return TopicCoverage(NOT_COLLECTED, "the latest collection did not evaluate this check")


def _run_coverage(run: CollectionRun | None, results: list[ResultRow], topic: str) -> TopicCoverage:
    if run is None:
        return TopicCoverage(NOT_COLLECTED, "not collected yet")
    if run.status == CollectionRun.Status.FAILED:
        reasons = [error.get("reason", "") for error in run.errors or [] if error.get("reason")]
        reason = assume_role_explained(reasons[0]) if reasons else "no reason was recorded"
        return TopicCoverage(str(Status.ERROR), f"the latest collection failed: {reason}")
    return topic_coverage([result for result in results if result.check_id in TOPICS[topic]])


def organization_coverage(organization: Organization) -> list[MemberCoverage]:
    """Every member of ``organization`` with its CloudTrail and AWS Config coverage."""
    latest = CollectionRun.objects.filter(account=OuterRef("account_id"), status__in=FINISHED)
    members = list(
        organization.members.select_related("account")
        .annotate(latest_run_pk=Subquery(latest.order_by("-created_at").values("pk")[:1]))
        .order_by("ou_path", "account__name")
    )
    run_of = {m.account_id: m.latest_run_pk for m in members if m.latest_run_pk}
    runs = CollectionRun.objects.only("status", "errors", "finished_at").in_bulk(run_of.values())
    check_ids = [check_id for ids in TOPICS.values() for check_id in ids]
    by_run: dict[int, list[ResultRow]] = defaultdict(list)
    for row in _results_of_runs(run_of, check_ids):
        by_run[row.run_id].append(row)
    coverage = []
    for member in members:
        run = runs.get(member.latest_run_pk)
        results = by_run.get(member.latest_run_pk, [])
        coverage.append(
            MemberCoverage(
                member=member,
                run=run,
                cloudtrail=_run_coverage(run, results, "cloudtrail"),
                config=_run_coverage(run, results, "config"),
            )
        )
    return coverage
