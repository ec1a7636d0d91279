"""Writes on exceptions: request, approve or reject (by someone else), revoke. Nothing is deleted.

These rules are the only validation: the UI form and the API serializer check the shape of a
request and then call these functions, so both refuse the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from collectors.registry import load_checks
from evidence.collection.models import AwsAccount
from evidence.exceptions.models import RiskException

Scope = RiskException.Scope
State = RiskException.State
TAG_PATTERN = re.compile(r"^[^=]{1,128}=.{0,256}$")
ARN_PREFIX = "arn:"


def _scope_errors(scope: str, value: str, account: AwsAccount | None) -> dict[str, str]:
    if scope == Scope.ARN and not value.startswith(ARN_PREFIX):
        return {"scope_value": "Enter the resource's ARN (arn:aws:...)."}
    if scope == Scope.ARN_PATTERN:
        if not value.startswith(ARN_PREFIX) or value.strip("*?:") == "arn":
            return {"scope_value": "Enter an ARN pattern such as arn:aws:s3:::public-site-*."}
        if fnmatch.translate(value) == fnmatch.translate("*"):
            return {"scope_value": "A pattern matching everything is not an exception."}
    if scope == Scope.TAG and not TAG_PATTERN.match(value):
        return {"scope_value": "Enter a tag as key=value, e.g. exposure=public-website."}
    if scope == Scope.ACCOUNT and account is None:
        return {"account": "Choose the account the exception covers."}
    if scope == Scope.REGION and not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", value):
        return {"scope_value": "Enter a region name such as eu-west-1."}
    return {}


def exception_request(
    *,
    check_id: str,
    scope: str,
    scope_value: str = "",
    account: AwsAccount | None = None,
    justification: str,
    risk_rating: str,
    compensating_controls: str = "",
    ends_on: dt.date,
    requested_by: AbstractBaseUser | None,
) -> RiskException:
    """Record a request; it changes nothing until someone else approves it."""
    errors: dict[str, str] = {}
    if check_id not in load_checks():
        errors["check_id"] = f"No check {check_id!r} exists."
    if scope not in Scope.values:
        errors["scope"] = f"Scope must be one of {', '.join(Scope.values)}."
    if risk_rating not in RiskException.Rating.values:
        errors["risk_rating"] = "Rate the risk low, medium, high or critical."
    if not justification.strip():
        errors["justification"] = "Say why the risk is accepted."
    today = timezone.localdate()
    longest = dt.timedelta(days=settings.GRC_EXCEPTION_MAX_DAYS)
    if ends_on < today:
        errors["ends_on"] = "The end date is in the past."
    elif ends_on > today + longest:
        errors["ends_on"] = f"An exception lasts at most {longest.days} days; review it then."
    errors.update(_scope_errors(scope, scope_value.strip(), account))
    if errors:
        raise ValidationError(errors)
    return RiskException.objects.create(
        check_id=check_id,
        scope=scope,
        scope_value=scope_value.strip(),
        account=account,
        justification=justification.strip(),
        risk_rating=risk_rating,
        compensating_controls=compensating_controls.strip(),
        ends_on=ends_on,
        requested_by=requested_by,
    )


@transaction.atomic
def exception_decide(
    *, exception: RiskException, approve: bool, decided_by: AbstractBaseUser, comment: str = ""
) -> RiskException:
    """Approve or reject a pending request. The requester can never decide their own."""
    locked = RiskException.objects.select_for_update().get(pk=exception.pk)
    if locked.state != State.REQUESTED:
        raise ValidationError(f"This exception is already {locked.get_state_display().lower()}.")
    if locked.requested_by_id is not None and locked.requested_by_id == decided_by.pk:
        raise ValidationError("The person who requested an exception cannot approve or reject it.")
    if not approve and not comment.strip():
        raise ValidationError({"comment": "Say why the request is rejected."})
    locked.state = State.APPROVED if approve else State.REJECTED
    locked.decided_by = decided_by
    locked.decided_at = timezone.now()
    locked.decision_comment = comment.strip()
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    return locked


@transaction.atomic
def exception_revoke(
    *, exception: RiskException, revoked_by: AbstractBaseUser, reason: str
) -> RiskException:
    """End an approved exception early; the record and its approval stay."""
    locked = RiskException.objects.select_for_update().get(pk=exception.pk)
    if locked.state != State.APPROVED:
        raise ValidationError("Only an approved exception can be revoked.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the exception is revoked."})
    locked.state = State.REVOKED
    locked.revoked_by = revoked_by
    locked.revoked_at = timezone.now()
    locked.revoke_reason = reason.strip()
    locked.save(update_fields=["state", "revoked_by", "revoked_at", "revoke_reason"])
    return locked
