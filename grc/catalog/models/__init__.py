from grc.catalog.models.controls import (
    Attestation,
    Control,
    ControlCheck,
    ControlMapping,
    EvidenceRequest,
    Origin,
    Responsibility,
)
from grc.catalog.models.frameworks import Assessment, CatalogLoad, Criterion, Framework, Section
from grc.catalog.models.parameters import ControlParameter, ParameterChange

__all__ = [
    "Assessment",
    "Attestation",
    "CatalogLoad",
    "Control",
    "ControlCheck",
    "ControlMapping",
    "ControlParameter",
    "Criterion",
    "EvidenceRequest",
    "Framework",
    "Origin",
    "ParameterChange",
    "Responsibility",
    "Section",
]
