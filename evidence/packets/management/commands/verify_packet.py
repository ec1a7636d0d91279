"""Verify an evidence packet ZIP with the standalone verifier (evidence/packets/verify.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from evidence.packets.services.signing import public_key_if_configured
from evidence.packets.verify import verify_packet


class Command(BaseCommand):
    help = (
        "Check every file of a packet against manifest.json and the manifest's signature. "
        "Without --public-key, this server's packet key is expected."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("packet", help="path to the packet ZIP or its unpacked folder")
        parser.add_argument("--public-key", help="expected signer (base64 Ed25519 public key)")

    def handle(self, *args, packet: str, public_key: str | None, **options) -> None:
        report = verify_packet(packet, public_key or public_key_if_configured() or None)
        for problem in report.problems:
            self.stderr.write(f"PROBLEM {problem}")
        if report.problems:
            raise CommandError(
                f"{packet}: {len(report.problems)} problem(s); "
                f"{report.files_checked} file(s) intact."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {report.files_checked} files match manifest.json and the signature verifies."
            )
        )
