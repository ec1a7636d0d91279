from evidence.models.workers import WorkerHeartbeat

__all__ = ["WorkerHeartbeat"]
