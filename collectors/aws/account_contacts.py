"""AWS Account: the security alternate contact is registered.

GetAlternateContact answers ResourceNotFoundException when no security contact exists (FAIL);
other faults (AccessDenied: the role lacks account:GetAlternateContact) stay ERRORs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from collectors.readers import api_call, error_code, jsonable, make_result
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "account"
GET_SECURITY_CONTACT = api_call(SERVICE, "GetAlternateContact", AlternateContactType="SECURITY")


@service(SERVICE, Scope.GLOBAL)
def fetch(session: Any, region: str) -> dict[str, Any] | None:
    """The SECURITY alternate contact, or None when none is registered."""
    client = session.client(SERVICE, region_name=region)
    try:
        response = client.get_alternate_contact(AlternateContactType="SECURITY")
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise
    return jsonable(response.get("AlternateContact") or {})


@check(
    "account_security_contact",
    title="A security alternate contact is registered for the account",
    service=SERVICE,
    resource_type="AWS::Account::AlternateContact",
    severity=Severity.LOW,
    criteria=("cis-aws-7.0.0:2.3", "soc2-2017:CC2.3"),
    remediation=(
        "account put-alternate-contact --alternate-contact-type SECURITY with a monitored "
        "distribution list (not a person's mailbox) and an on-call phone number."
    ),
)
def security_contact(contact: dict[str, Any] | None, ctx: CheckContext) -> Iterator[CheckResult]:
    if contact is None:
        status, reason = Status.FAIL, "no security alternate contact is registered"
    else:
        status = Status.PASS
        reason = f"security contact {contact.get('Name')} <{contact.get('EmailAddress')}>"
    yield make_result(
        "account_security_contact",
        ctx,
        f"{ctx.account_id}:alternate-contact/SECURITY",
        status,
        reason,
        evidence={"AlternateContact": contact},
        sources=(GET_SECURITY_CONTACT,),
    )
