from evidence.posture.models.status import (
    POSTURE_FIELDS,
    ControlStatus,
    ControlStatusDaily,
    ControlStatusEvent,
    PostureDaily,
)

__all__ = [
    "POSTURE_FIELDS",
    "ControlStatus",
    "ControlStatusDaily",
    "ControlStatusEvent",
    "PostureDaily",
]
