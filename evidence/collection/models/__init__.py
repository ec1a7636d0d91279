from evidence.collection.models.accounts import AwsAccount, Environment, EnvironmentSource
from evidence.collection.models.audits import AuditPeriod
from evidence.collection.models.results import (
    CheckResult,
    EvidenceDocument,
    ImmutableEvidenceError,
    Resource,
)
from evidence.collection.models.runs import CollectionRun, CollectionUnit
from evidence.collection.models.workers import WorkerHeartbeat

__all__ = [
    "AuditPeriod",
    "AwsAccount",
    "CheckResult",
    "CollectionRun",
    "CollectionUnit",
    "Environment",
    "EnvironmentSource",
    "EvidenceDocument",
    "ImmutableEvidenceError",
    "Resource",
    "WorkerHeartbeat",
]
