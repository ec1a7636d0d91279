"""Parse and validate the catalog files; every problem is reported with its file and entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collectors.registry import load_checks
from collectors.types import CheckSpec
from grc.catalog.loader.fields import (
    Errors,
    date_value,
    duplicate,
    entries,
    entry_where,
    read_yaml,
    string_list,
    text,
    unknown_keys,
)
from grc.catalog.loader.shapes import (
    DATA_DIR,
    FREQUENCIES,
    PROVIDER_RESPONSIBILITIES,
    AttestationData,
    Catalog,
    CatalogError,
    ControlData,
    CriterionData,
    EvidenceRequestData,
    FrameworkData,
    SectionData,
)
from grc.catalog.models import Assessment, Framework, Responsibility


def _sections_read(
    document: Mapping[str, Any], name: str, errors: Errors
) -> tuple[SectionData, ...]:
    sections: list[SectionData] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries(document, "sections", name, errors)):
        where = entry_where(name, "section", entry, index)
        unknown_keys(entry, {"ref", "title"}, where, errors)
        ref = text(entry, "ref", where, errors)
        if ref and not duplicate(seen, ref, where, errors):
            sections.append(SectionData(ref=ref, title=text(entry, "title", where, errors)))
    return tuple(sections)


def _criterion_read(
    entry: Mapping[str, Any], where: str, kind: str, section_refs: set[str], errors: Errors
) -> CriterionData:
    unknown_keys(
        entry, {"ref", "section", "title", "description", "level", "assessment"}, where, errors
    )
    section = text(entry, "section", where, errors)
    if section and section not in section_refs:
        errors.add(where, f"unknown section {section!r}")
    level = entry.get("level")
    assessment = entry.get("assessment") or ""
    is_cis = kind == Framework.Kind.CIS
    if (is_cis or level is not None) and level not in (1, 2):
        errors.add(where, f"level must be 1 or 2, got {level!r}")
    if (is_cis or assessment) and assessment not in Assessment.values:
        errors.add(where, f"assessment must be automated or manual, got {assessment!r}")
    return CriterionData(
        ref=text(entry, "ref", where, errors),
        section=section,
        title=text(entry, "title", where, errors),
        description=text(entry, "description", where, errors, required=False),
        level=level if level in (1, 2) else None,
        assessment=assessment if assessment in Assessment.values else "",
    )


def _framework_read(path: Path, data_dir: Path, errors: Errors) -> FrameworkData | None:
    name = path.relative_to(data_dir).as_posix()
    document = read_yaml(path, name, errors)
    if document is None:
        return None
    unknown_keys(document, {"framework", "sections", "criteria"}, name, errors)
    header = document.get("framework")
    if not isinstance(header, dict):
        errors.add(name, "missing framework mapping")
        return None
    where = f"{name}: framework"
    unknown_keys(header, {"slug", "name", "version", "publisher", "kind"}, where, errors)
    slug = text(header, "slug", where, errors)
    if slug and slug != path.stem:
        errors.add(where, f"slug {slug!r} does not match the file name {path.name!r}")
    kind = text(header, "kind", where, errors)
    if kind and kind not in Framework.Kind.values:
        errors.add(where, f"kind must be one of {', '.join(Framework.Kind.values)}, got {kind!r}")
    sections = _sections_read(document, name, errors)
    section_refs = {section.ref for section in sections}
    criteria: list[CriterionData] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries(document, "criteria", name, errors)):
        where_criterion = entry_where(name, "criterion", entry, index)
        criterion = _criterion_read(entry, where_criterion, kind, section_refs, errors)
        if criterion.ref and not duplicate(seen, criterion.ref, where_criterion, errors):
            criteria.append(criterion)
    return FrameworkData(
        slug=slug,
        name=text(header, "name", where, errors),
        version=text(header, "version", where, errors),
        publisher=text(header, "publisher", where, errors, required=False),
        kind=kind,
        sections=sections,
        criteria=tuple(criteria),
    )


def _attestations_read(data_dir: Path, errors: Errors) -> tuple[AttestationData, ...]:
    name = "attestations.yaml"
    document = read_yaml(data_dir / name, name, errors)
    if document is None:
        return ()
    attestations: list[AttestationData] = []
    seen: set[str] = set()
    allowed = {"slug", "provider", "name", "period_start", "period_end", "url"}
    for index, entry in enumerate(entries(document, "attestations", name, errors)):
        where = entry_where(name, "attestation", entry, index)
        unknown_keys(entry, allowed, where, errors)
        slug = text(entry, "slug", where, errors)
        if not slug or duplicate(seen, slug, where, errors):
            continue
        attestations.append(
            AttestationData(
                slug=slug,
                provider=text(entry, "provider", where, errors),
                name=text(entry, "name", where, errors),
                period_start=date_value(entry, "period_start", where, errors),
                period_end=date_value(entry, "period_end", where, errors),
                url=text(entry, "url", where, errors, required=False),
            )
        )
    return tuple(attestations)


@dataclass(frozen=True)
class _Known:
    """What controls may refer to: criteria per framework, attestations and check ids."""

    criteria: Mapping[str, set[str]]
    attestations: set[str]
    checks: Mapping[str, CheckSpec]


def _control_criteria(
    entry: Mapping[str, Any], where: str, known: _Known, errors: Errors
) -> tuple[tuple[str, str], ...]:
    mapping = entry.get("criteria") or {}
    if not isinstance(mapping, dict):
        errors.add(where, "criteria must map framework slugs to lists of criterion refs")
        return ()
    pairs: list[tuple[str, str]] = []
    for slug, refs in mapping.items():
        if slug not in known.criteria:
            errors.add(where, f"unknown framework {slug!r} in criteria")
            continue
        for ref in string_list(refs, f"criteria.{slug}", where, errors):
            if ref in known.criteria[slug]:
                pairs.append((slug, ref))
            else:
                errors.add(where, f"unknown criterion {ref!r} in framework {slug!r}")
    if not any(mapping.values()):
        errors.add(where, "maps to no criterion")
    return tuple(pairs)


def _control_checks(
    entry: Mapping[str, Any], where: str, known: _Known, errors: Errors
) -> tuple[str, ...]:
    check_ids = string_list(entry.get("checks"), "checks", where, errors)
    for check_id in check_ids:
        if check_id not in known.checks:
            errors.add(where, f"unknown check id {check_id!r} (not in collectors.registry)")
    return tuple(check_ids)


def _frequency(entry: Mapping[str, Any], where: str, errors: Errors) -> str:
    frequency = text(entry, "frequency", where, errors, required=False)
    if frequency and frequency not in FREQUENCIES:
        errors.add(where, f"frequency must be one of {', '.join(FREQUENCIES)}, got {frequency!r}")
    return frequency


def _control_evidence_requests(
    entry: Mapping[str, Any], where: str, errors: Errors
) -> tuple[EvidenceRequestData, ...]:
    entries = entry.get("evidence_requests") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        errors.add(where, "evidence_requests must be a list of mappings")
        return ()
    requests: list[EvidenceRequestData] = []
    seen: set[str] = set()
    for index, request in enumerate(entries):
        where_request = f"{where}: evidence request #{index + 1}"
        unknown_keys(request, {"title", "frequency"}, where_request, errors)
        title = text(request, "title", where_request, errors)
        if title and not duplicate(seen, title, where_request, errors):
            frequency = _frequency(request, where_request, errors)
            requests.append(EvidenceRequestData(title=title, frequency=frequency))
    return tuple(requests)


def _control_parameters(
    entry: Mapping[str, Any], where: str, check_ids: tuple[str, ...], known: _Known, errors: Errors
) -> Mapping[str, Any]:
    parameters = entry.get("parameters") or {}
    if not isinstance(parameters, dict):
        errors.add(where, "parameters must be a mapping of name to value")
        return {}
    if any(check_id not in known.checks for check_id in check_ids):
        return parameters  # already reported; which names are declared is unknowable
    declared = {name for check_id in check_ids for name in known.checks[check_id].parameters}
    for name in parameters:
        if name not in declared:
            errors.add(where, f"parameter {name!r} is not declared by any of its checks")
    return parameters


def _control_responsibility(
    entry: Mapping[str, Any], where: str, known: _Known, errors: Errors
) -> tuple[str, str | None]:
    responsibility = text(entry, "responsibility", where, errors)
    if responsibility and responsibility not in Responsibility.values:
        choices = ", ".join(Responsibility.values)
        errors.add(where, f"responsibility must be one of {choices}, got {responsibility!r}")
    attestation = text(entry, "attestation", where, errors, required=False) or None
    if responsibility in PROVIDER_RESPONSIBILITIES:
        if attestation is None:
            errors.add(where, f"{responsibility} control needs an attestation")
        text(entry, "aws_responsibility", where, errors)
    elif responsibility == Responsibility.CUSTOMER and attestation is not None:
        errors.add(where, "a customer control takes no attestation (make it shared)")
    if attestation is not None and attestation not in known.attestations:
        errors.add(where, f"unknown attestation {attestation!r}")
    if responsibility in (Responsibility.SHARED, Responsibility.CUSTOMER):
        text(entry, "customer_responsibility", where, errors)
    return responsibility, attestation


CONTROL_KEYS = {
    "ref",
    "name",
    "domain",
    "statement",
    "responsibility",
    "aws_responsibility",
    "customer_responsibility",
    "attestation",
    "frequency",
    "criteria",
    "checks",
    "evidence_requests",
    "parameters",
}


def _control_read(
    entry: Mapping[str, Any], where: str, known: _Known, errors: Errors
) -> ControlData:
    unknown_keys(entry, CONTROL_KEYS, where, errors)
    responsibility, attestation = _control_responsibility(entry, where, known, errors)
    checks = _control_checks(entry, where, known, errors)
    evidence_requests = _control_evidence_requests(entry, where, errors)
    # A provider control without an attestation is reported above already.
    no_attestation = attestation is None and responsibility not in PROVIDER_RESPONSIBILITIES
    if not checks and not evidence_requests and no_attestation:
        errors.add(where, "has no evidence: give it checks, evidence_requests or an attestation")
    return ControlData(
        ref=text(entry, "ref", where, errors),
        name=text(entry, "name", where, errors),
        domain=text(entry, "domain", where, errors, required=False),
        statement=text(entry, "statement", where, errors),
        responsibility=responsibility,
        aws_responsibility=text(entry, "aws_responsibility", where, errors, required=False),
        customer_responsibility=text(
            entry, "customer_responsibility", where, errors, required=False
        ),
        attestation=attestation,
        frequency=_frequency(entry, where, errors),
        criteria=_control_criteria(entry, where, known, errors),
        checks=checks,
        evidence_requests=evidence_requests,
        parameters=_control_parameters(entry, where, checks, known, errors),
    )


def _controls_read(
    data_dir: Path, known: _Known, errors: Errors
) -> tuple[str, tuple[ControlData, ...]]:
    name = "controls.yaml"
    document = read_yaml(data_dir / name, name, errors)
    if document is None:
        return "", ()
    unknown_keys(document, {"catalog_version", "controls"}, name, errors)
    version = text(document, "catalog_version", name, errors)
    controls: list[ControlData] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries(document, "controls", name, errors)):
        where = entry_where(name, "control", entry, index)
        control = _control_read(entry, where, known, errors)
        if control.ref and not duplicate(seen, control.ref, where, errors):
            controls.append(control)
    return version, tuple(controls)


def catalog_read(data_dir: Path = DATA_DIR) -> Catalog:
    """Parse and validate the catalog; raise CatalogError listing every problem found."""
    errors = Errors()
    paths = sorted((data_dir / "frameworks").glob("*.yaml"))
    if not paths:
        errors.add("frameworks/", f"no framework files in {data_dir / 'frameworks'}")
    frameworks = [f for f in (_framework_read(p, data_dir, errors) for p in paths) if f]
    attestations = _attestations_read(data_dir, errors)
    known = _Known(
        criteria={f.slug: {c.ref for c in f.criteria} for f in frameworks},
        attestations={a.slug for a in attestations},
        checks=load_checks(),
    )
    version, controls = _controls_read(data_dir, known, errors)
    if errors:
        raise CatalogError(errors)
    return Catalog(
        version=version,
        frameworks=tuple(frameworks),
        attestations=attestations,
        controls=controls,
    )
