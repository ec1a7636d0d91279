from django.db import models

from evidence.collection.models import ImmutableEvidenceError

__all__ = ["StoredFile"]


class StoredFile(models.Model):
    """Bytes someone uploaded, stored once under their SHA-256 and never changed afterwards."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    file = models.FileField(upload_to="manual/", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.sha256

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # Stored evidence is written once, like the automated evidence documents.
        if self.pk is not None:
            raise ImmutableEvidenceError("Stored evidence files are immutable once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ImmutableEvidenceError("Stored evidence files are never deleted.")
