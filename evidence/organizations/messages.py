"""Error texts a compliance manager can act on, shared by the page, the API and the services."""

from __future__ import annotations

ASSUME_ROLE_DENIED_HINT = (
    "AWS gives this answer when the member role does not exist, does not trust the collector, "
    "or expects another external id: deploy the member role (StackSet) to this account with the "
    "organization's external id, then run Test connections"
)


def assume_role_explained(reason: str) -> str:
    """``reason`` plus what to do, when it is AssumeRole's AccessDenied (AWS's message kept)."""
    if "AccessDenied" in reason and "sts:AssumeRole" in reason:
        return f"{reason} ({ASSUME_ROLE_DENIED_HINT})"
    return reason
