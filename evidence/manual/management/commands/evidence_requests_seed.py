from django.core.management.base import BaseCommand

from evidence.manual.services.requests import evidence_requests_seed


class Command(BaseCommand):
    help = "Create an evidence request for every catalog evidence request that has none yet."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        self.stdout.write(f"{evidence_requests_seed()} evidence request(s) created.")
