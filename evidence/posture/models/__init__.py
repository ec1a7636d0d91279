from evidence.posture.models.status import (
    ControlStatus,
    ControlStatusDaily,
    ControlStatusEvent,
    PostureDaily,
)

__all__ = ["ControlStatus", "ControlStatusDaily", "ControlStatusEvent", "PostureDaily"]
