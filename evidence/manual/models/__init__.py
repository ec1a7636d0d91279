from evidence.manual.models.attestations import ProviderAttestation
from evidence.manual.models.files import StoredFile
from evidence.manual.models.requests import FREQUENCY_MONTHS, EvidenceRequest, Frequency
from evidence.manual.models.submissions import Decision, EvidenceSubmission, Review, ReviewStatus

__all__ = [
    "FREQUENCY_MONTHS",
    "Decision",
    "EvidenceRequest",
    "EvidenceSubmission",
    "Frequency",
    "ProviderAttestation",
    "Review",
    "ReviewStatus",
    "StoredFile",
]
