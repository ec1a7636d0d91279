"""Print the public key that evidence packets are signed with, to hand to auditors."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from evidence.packets.services.signing import public_key_b64


class Command(BaseCommand):
    help = "Print this server's evidence packet public key (base64 Ed25519)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(public_key_b64())
