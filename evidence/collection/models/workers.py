from django.db import models

__all__ = ["WorkerHeartbeat"]


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker proved it can take a task and write to the database."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()
    # When this worker process started: a unit it took before then was lost in a restart.
    booted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "evidence_workerheartbeat"

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
