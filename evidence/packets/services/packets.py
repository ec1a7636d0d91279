"""Request a packet (validate, choose samples, enqueue after commit) and build it (in a task)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import random
import secrets
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evidence.collection.models import AwsAccount, Environment
from evidence.collection.services.runs import product_version
from evidence.organizations.selectors.organizations import accounts_in_ou_now
from evidence.packets.models import EvidencePacket
from evidence.packets.selectors import packets as selectors
from evidence.packets.selectors import population
from evidence.packets.services import sampling, signing
from evidence.packets.services.builder import PacketScope, packet_zip_write
from grc.catalog.models import Framework

logger = logging.getLogger(__name__)
PACKETS_DIR = "packets"
MAX_SAMPLE_DATES = 366
# An audit period is at most three years (SOC 2 periods are 3-12 months) and not in the future:
# longer ones only make a huge ZIP slowly, and dates near year 1 or 9999 overflow.
MAX_PERIOD_DAYS = 3 * 365 + 1
Status = EvidencePacket.Status


def _sample_dates(
    *,
    period_start: dt.date,
    period_end: dt.date,
    sample_dates: Sequence[dt.date] | None,
    sample_count: int | None,
    seed: str | None,
    collected: Sequence[dt.date] = (),
) -> tuple[list[dt.date], str]:
    """The auditor's dates, or ``sample_count`` days drawn with a recorded seed from the days with
    a collection (``collected``; never an empty day, fewer when fewer exist), or the last day."""
    period_days = (period_end - period_start).days + 1
    if sample_dates:
        outside = sorted(day for day in sample_dates if not period_start <= day <= period_end)
        if outside:
            raise ValidationError(
                {"sample_dates": f"Outside the period: {', '.join(map(str, outside))}."}
            )
        if len(set(sample_dates)) > MAX_SAMPLE_DATES:
            raise ValidationError({"sample_dates": f"At most {MAX_SAMPLE_DATES} sample dates."})
        return sorted(set(sample_dates)), ""
    if sample_count:
        if not 0 < sample_count <= min(period_days, MAX_SAMPLE_DATES):
            raise ValidationError(
                {"sample_count": f"Between 1 and {min(period_days, MAX_SAMPLE_DATES)}."}
            )
        seed = seed or secrets.token_hex(8)
        days = sorted(collected)
        drawn = random.Random(seed).sample(days, min(sample_count, len(days)))  # noqa: S311
        return sorted(drawn), seed
    return [period_end], ""


def packet_period_check(*, period_start: dt.date, period_end: dt.date) -> None:
    if period_start > period_end:
        raise ValidationError({"period_end": "The period must end on or after its start."})
    today = timezone.localdate()
    if period_end > today:
        raise ValidationError({"period_end": f"The period cannot end after today ({today})."})
    if (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(
            {"period_start": f"A period is at most three years ({MAX_PERIOD_DAYS} days)."}
        )


def packet_accounts_scoped(
    *, accounts: Sequence[AwsAccount], ou_path: str, environment: str
) -> list[AwsAccount]:
    """The packet's accounts: those chosen, narrowed to the OU subtree's current members (or,
    none chosen, all of them) and to one environment. Nothing chosen and no OU: every enabled
    account of the environment."""
    if not (ou_path or environment):
        if not accounts:
            raise ValidationError({"accounts": "Choose at least one account, or an OU."})
        return list(accounts)
    if environment and environment not in Environment.values:
        raise ValidationError({"environment": f"Not an environment: {environment!r}."})
    chosen = list(accounts)
    if ou_path:
        in_ou = set(accounts_in_ou_now(ou_path))
        base = chosen or list(AwsAccount.objects.filter(pk__in=in_ou).order_by("name"))
        chosen = [account for account in base if account.pk in in_ou]
    elif not chosen:
        chosen = list(AwsAccount.objects.filter(enabled=True).order_by("name"))
    if environment:
        chosen = [account for account in chosen if account.environment == environment]
    if not chosen:
        where = f" in OU {ou_path}" if ou_path else ""
        kind = f" {Environment(environment).label.lower()}" if environment else ""
        raise ValidationError({"accounts": f"No{kind} account{where} to put in the packet."})
    return chosen


def packet_request(
    *,
    framework: Framework,
    period_start: dt.date,
    period_end: dt.date,
    accounts: Sequence[AwsAccount] = (),
    requested_by: AbstractBaseUser | None,
    ou_path: str = "",
    environment: str = "",
    sample_dates: Sequence[dt.date] | None = None,
    sample_count: int | None = None,
    seed: str | None = None,
    sample_sizes: Mapping[str, int] | None = None,
) -> EvidencePacket:
    """Record a packet request and enqueue its build once the row is committed.

    Samples: the given dates; else ``sample_count`` dates drawn with ``random.Random(seed)``
    (a fresh seed when none is given, recorded on the packet so the draw can be repeated); else
    the last day of the period. Per control, items are drawn from its population with the same
    seed (a fresh one when none is given), ``sample_sizes`` overriding sizes by frequency.

    Scope: ``packet_accounts_scoped``; the OU and environment are recorded on the packet.
    """
    packet_period_check(period_start=period_start, period_end=period_end)
    ou_path = ou_path.strip().rstrip("/")
    accounts = packet_accounts_scoped(accounts=accounts, ou_path=ou_path, environment=environment)
    if seed and len(seed) > 64:
        raise ValidationError({"seed": "At most 64 characters."})
    dates, used_seed = _sample_dates(
        period_start=period_start,
        period_end=period_end,
        sample_dates=sample_dates,
        sample_count=sample_count,
        seed=seed,
        collected=population.collected_dates(
            account_ids=[account.pk for account in accounts], start=period_start, end=period_end
        )
        if sample_count and not sample_dates
        else (),
    )
    with transaction.atomic():
        packet = EvidencePacket.objects.create(
            framework=framework,
            period_start=period_start,
            period_end=period_end,
            ou_path=ou_path,
            environment=environment,
            sample_dates=[day.isoformat() for day in dates],
            sample_seed=used_seed,
            sampling={
                "seed": used_seed or seed or secrets.token_hex(8),
                "sizes": sampling.sample_sizes_clean(sample_sizes),
            },
            requested_by=requested_by,
        )
        packet.accounts.set(accounts)
    return packet


def packet_not_queued(packet_id: int, *, reason: str) -> None:
    """The build task never reached the broker: end the queued packet now, with the reason."""
    EvidencePacket.objects.filter(pk=packet_id, status=Status.QUEUED).update(
        status=Status.FAILED, error=reason[:4000], finished_at=timezone.now()
    )


def packets_reap(*, older_than: dt.timedelta) -> list[int]:
    """End packets still queued or building after ``older_than`` as failed, with the reason:
    their build was lost (worker killed, message lost) and nothing else will end them."""
    cutoff = timezone.now() - older_than
    stale = list(
        EvidencePacket.objects.filter(
            status__in=(Status.QUEUED, Status.BUILDING), requested_at__lt=cutoff
        ).values_list("pk", "status")
    )
    for packet_id, status in stale:
        _fail(
            packet_id,
            f"Not built within {older_than} (still {status}): the build was lost "
            "(worker stopped or task lost). Request the packet again.",
        )
        logger.warning("evidence packet %s reaped (was %s)", packet_id, status)
    return [packet_id for packet_id, _ in stale]


def _progress(packet_id: int):
    def update(fraction: float, message: str) -> None:
        EvidencePacket.objects.filter(pk=packet_id).update(
            progress=round(fraction, 3), progress_message=message[:200]
        )

    return update


def _claim(packet_id: int) -> EvidencePacket | None:
    """Mark the packet building; None when it is already finished (never rebuilt in place)."""
    with transaction.atomic():
        packet = EvidencePacket.objects.select_for_update().get(pk=packet_id)
        if packet.status in (Status.READY, Status.FAILED):
            return None
        packet.status = Status.BUILDING
        packet.progress = 0.0
        packet.progress_message = "starting"
        packet.save(update_fields=["status", "progress", "progress_message"])
    return packet


def _sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _fail(packet_id: int, reason: str) -> None:
    EvidencePacket.objects.filter(pk=packet_id).update(
        status=Status.FAILED, error=reason[:4000], finished_at=timezone.now()
    )


def packet_build(packet_id: int) -> EvidencePacket:
    """Build, sign and store the packet's ZIP under MEDIA_ROOT/packets/, once."""
    packet = _claim(packet_id)
    if packet is None:
        return EvidencePacket.objects.get(pk=packet_id)
    folder = Path(settings.MEDIA_ROOT) / PACKETS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".building-{packet_id}-{uuid.uuid4().hex}.zip"
    try:
        key = signing.signing_key()  # before any work: no key, no packet
        scope = PacketScope(
            packet=packet,
            accounts=list(packet.accounts.order_by("account_id")),
            sample_dates=[dt.date.fromisoformat(day) for day in packet.sample_dates],
            generated_at=timezone.now(),
            catalog_version=selectors.catalog_version(),
            product_version=product_version(),
        )
        packet_zip_write(scope, partial, key=key, progress=_progress(packet_id))
        sha256 = _sha256_of(partial)
        name = f"packet-{packet_id}-{scope.packet.period_start}-{sha256[:12]}.zip"
        final = folder / name
        os.replace(partial, final)
        final.chmod(0o444)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        logger.exception("evidence packet %s failed", packet_id)
        _fail(packet_id, f"{type(exc).__name__}: {exc}")
        raise
    stored = EvidencePacket.objects.filter(pk=packet_id, status=Status.BUILDING).update(
        status=Status.READY,
        file=f"{PACKETS_DIR}/{name}",
        sha256=sha256,
        size=final.stat().st_size,
        progress=1.0,
        progress_message="ready",
        finished_at=timezone.now(),
    )
    packet = EvidencePacket.objects.get(pk=packet_id)
    if not stored and packet.file.name != f"{PACKETS_DIR}/{name}":
        final.unlink(missing_ok=True)  # a duplicate delivery finished first: its file stands
    return packet
