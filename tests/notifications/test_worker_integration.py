"""End to end: a real worker rolls up a finished run, records the status change and posts the
signed event to a local receiver; finishing the same run again posts nothing more.

Runs on whatever DATABASE_URL / CELERY_BROKER_URL name (Postgres and Redis in CI).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

import evidence.notifications.tasks
import evidence.posture.tasks  # noqa: F401
from evidence.collection.tasks import run_finished_hooks_send
from evidence.notifications.models import Delivery, DeliveryAttempt, Event
from evidence.notifications.services.subscriptions import subscription_create
from evidence.notifications.services.webhooks import webhook_create
from tests.conftest import wait_for
from tests.factories import (
    AwsAccountFactory,
    CheckResultFactory,
    CollectionRunFactory,
    ControlCheckFactory,
    ControlFactory,
    ControlStatusDailyFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
FINISHED = re.compile(r"notification_run_finished_task\[[^\]]+\] succeeded")


def test_a_finished_run_is_posted_once_to_a_local_receiver(
    admin_user, receiver, celery_worker_process
):
    account = AwsAccountFactory(name='Prod "eu" <main>')
    control = ControlFactory(ref="NET-01")
    ControlCheckFactory(control=control, check_id="ec2_sg_no_admin_ingress_ipv4")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ControlStatusDailyFactory(account=account, control=control, day=yesterday, status="pass")
    run = CollectionRunFactory(account=account)
    CheckResultFactory(run=run, check_id="ec2_sg_no_admin_ingress_ipv4", status="FAIL")
    webhook, receiver.secret = webhook_create(
        name="SIEM", url=receiver.url, preset="generic", created_by=admin_user
    )
    subscription_create(created_by=admin_user, webhook=webhook, event_kinds=["control.failing"])

    worker = celery_worker_process()
    run_finished_hooks_send(run.pk)  # the posture rollup, then notifications (settings)
    wait_for(lambda: receiver.accepted, timeout=120, context=lambda: worker.log()[-4000:])

    [(_headers, body)] = receiver.accepted
    payload = json.loads(body)
    assert (payload["type"], payload["control"]["ref"]) == ("control.failing", "NET-01")
    assert payload["account"]["name"] == 'Prod "eu" <main>'
    assert payload["data"]["previous_status"] == "pass"

    run_finished_hooks_send(run.pk)  # a redelivered finish
    wait_for(
        lambda: len(FINISHED.findall(worker.log())) >= 2,
        timeout=120,
        context=lambda: worker.log()[-4000:],
    )
    assert len(receiver.accepted) == 1
    assert Event.objects.filter(run=run).count() == 1
    assert Delivery.objects.count() == 1
    assert DeliveryAttempt.objects.get().response_code == 204
