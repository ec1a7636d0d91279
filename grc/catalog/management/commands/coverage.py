from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grc.catalog.models import Framework
from grc.catalog.selectors.coverage import FrameworkCoverage, framework_coverage

COLUMNS = ("criteria", "automated", "manual", "provider", "uncovered")


class Command(BaseCommand):
    help = "Show per framework how many criteria are evidenced automatically, manually or by AWS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="FRAMEWORK_SLUG")
        parser.add_argument("--verbose", action="store_true", help="list uncovered criteria")

    def handle(self, *args: Any, slugs: list[str], verbose: bool, **options: Any) -> None:
        frameworks = Framework.objects.order_by("slug")
        if slugs:
            frameworks = frameworks.filter(slug__in=slugs)
            unknown = sorted(set(slugs) - {framework.slug for framework in frameworks})
            if unknown:
                raise CommandError(f"unknown framework: {', '.join(unknown)}")
        coverages = [framework_coverage(framework) for framework in frameworks]
        width = max([len("framework"), *(len(c.framework.slug) for c in coverages)])
        self.stdout.write(f"{'framework':<{width}}  " + "  ".join(f"{c:>9}" for c in COLUMNS))
        for coverage in coverages:
            self.stdout.write(self._row(coverage, width))
            if verbose and coverage.uncovered:
                refs = ", ".join(c.criterion.ref for c in coverage.uncovered)
                self.stdout.write(f"  uncovered: {refs}")

    def _row(self, coverage: FrameworkCoverage, width: int) -> str:
        numbers = (
            coverage.total,
            coverage.automated,
            coverage.manual,
            coverage.provider,
            len(coverage.uncovered),
        )
        return f"{coverage.framework.slug:<{width}}  " + "  ".join(f"{n:>9}" for n in numbers)
