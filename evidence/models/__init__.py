from evidence.models.accounts import AwsAccount
from evidence.models.apikeys import ApiKey
from evidence.models.audits import AuditPeriod
from evidence.models.packets import EvidencePacket
from evidence.models.results import CheckResult, EvidenceDocument, ImmutableEvidenceError, Resource
from evidence.models.runs import CollectionRun, CollectionUnit
from evidence.models.status import (
    ControlStatus,
    ControlStatusDaily,
    ControlStatusEvent,
    PostureDaily,
)
from evidence.models.workers import WorkerHeartbeat

__all__ = [
    "ApiKey",
    "AuditPeriod",
    "AwsAccount",
    "CheckResult",
    "CollectionRun",
    "CollectionUnit",
    "ControlStatus",
    "ControlStatusDaily",
    "ControlStatusEvent",
    "EvidenceDocument",
    "EvidencePacket",
    "ImmutableEvidenceError",
    "PostureDaily",
    "Resource",
    "WorkerHeartbeat",
]
