"""Register AWS accounts and keep their collection schedule in django-celery-beat.

The model's validators (evidence.collection.models.validators) are the one validation layer:
forms and serializers check shape, then these services normalise (regions each once) and run
``full_clean``, so the UI, the API and the admin accept exactly the same accounts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from evidence.collection.models import AwsAccount, Environment, EnvironmentSource
from evidence.collection.models.validators import regions_normalize

DEFAULT_SCHEDULE_HOURS = 24
SCHEDULED_TASK = "evidence.collection.tasks.collection_scheduled_task"


@transaction.atomic
def account_create(
    *,
    account_id: str,
    name: str,
    role_arn: str,
    external_id: str,
    regions: list[str] | None = None,
    owner: AbstractBaseUser | None = None,
    schedule_hours: int = DEFAULT_SCHEDULE_HOURS,
    environment: str = "",
) -> AwsAccount:
    account = AwsAccount(
        account_id=account_id,
        name=name,
        role_arn=role_arn,
        external_id=external_id,
        regions=regions_normalize(regions or []),
        owner=owner,
        environment=environment,
        environment_source=EnvironmentSource.MANUAL if environment else "",
    )
    account.full_clean()
    account.save()
    account_schedule_set(account=account, every_hours=schedule_hours)
    return account


@transaction.atomic
def account_update(*, account: AwsAccount, **fields: Any) -> AwsAccount:
    if "regions" in fields:
        fields["regions"] = regions_normalize(fields["regions"] or [])
    for name, value in fields.items():
        setattr(account, name, value)
    account.full_clean()
    account.save()
    if account.schedule and account.schedule.enabled != account.enabled:
        account.schedule.enabled = account.enabled
        account.schedule.save(update_fields=["enabled"])
    return account


@transaction.atomic
def account_schedule_set(*, account: AwsAccount, every_hours: int) -> PeriodicTask:
    """Create or change the account's periodic collection (editable later in the UI or admin)."""
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=every_hours, period=IntervalSchedule.HOURS
    )
    if account.schedule is None:
        # Beat's first fire is start_time (without one it is "interval after beat next loads
        # the task", which no page could tell); later fires keep its minute, an interval apart.
        account.schedule = PeriodicTask.objects.create(
            name=f"Collect AWS account {account.account_id} (#{account.pk})",
            task=SCHEDULED_TASK,
            args=json.dumps([account.pk]),
            interval=interval,
            enabled=account.enabled,
            start_time=schedule_start_time(
                account_id=account.account_id, every=dt.timedelta(hours=every_hours)
            ),
        )
        account.save(update_fields=["schedule"])
    else:
        account.schedule.interval = interval
        account.schedule.enabled = account.enabled
        account.schedule.save(update_fields=["interval", "enabled"])
    return account.schedule


@transaction.atomic
def account_environment_set(*, account: AwsAccount, environment: str) -> AwsAccount:
    """A person's choice: it wins over the account tags until cleared (blank hands the account
    back to its tags at the next organization sync)."""
    if environment not in {"", *Environment.values}:
        raise ValidationError({"environment": f"Not an environment: {environment!r}."})
    account.environment = environment
    account.environment_source = EnvironmentSource.MANUAL if environment else ""
    account.save(update_fields=["environment", "environment_source"])
    return account


def account_environment_from_tags(*, account: AwsAccount, environment: str) -> bool:
    """The environment an organization sync read from the account tags ("" when no tag says);
    a hand-set value is kept. Whether anything changed."""
    if account.environment_source == EnvironmentSource.MANUAL:
        return False
    source = EnvironmentSource.TAG if environment else ""
    if (account.environment, account.environment_source) == (environment, source):
        return False
    account.environment, account.environment_source = environment, source
    account.save(update_fields=["environment", "environment_source"])
    return True


def schedule_start_time(*, account_id: str, every: dt.timedelta) -> dt.datetime:
    """The first scheduled collection of a new account: one interval from now, plus a minute
    offset within GRC_SCHEDULE_WINDOW_MINUTES (at most the interval).

    The offset is the account's own minute (a hash of its id) unless other schedules already
    start there: then the least used minute of the window, nearest after it. So one account
    always gets the same minute, and an organization's hundreds of new members are spread evenly
    instead of all starting a collection in the same minute.
    """
    window = max(1, min(settings.GRC_SCHEDULE_WINDOW_MINUTES, int(every.total_seconds() // 60)))
    # Whole minutes, rounded up (never sooner than one interval), so offsets share minute bins.
    base = (timezone.now() + every).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    starts = PeriodicTask.objects.filter(
        task=SCHEDULED_TASK,
        start_time__gte=base,
        start_time__lt=base + dt.timedelta(minutes=window),
    ).values_list("start_time", flat=True)
    used = Counter(int((start - base).total_seconds() // 60) for start in starts)
    digest = hashlib.sha256(account_id.encode()).digest()
    own = int.from_bytes(digest[:8], "big") % window
    minute = min(range(window), key=lambda m: (used[m], (m - own) % window))
    return base + dt.timedelta(minutes=minute)
