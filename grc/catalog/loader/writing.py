"""Write a validated catalog to the database, idempotently and around people's edits."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction

from grc.catalog.loader.reading import catalog_read
from grc.catalog.loader.shapes import (
    CONTROL_TEXT_FIELDS,
    DATA_DIR,
    AttestationData,
    ControlData,
    FrameworkData,
    SectionData,
)
from grc.catalog.models import (
    Attestation,
    CatalogLoad,
    Control,
    ControlCheck,
    ControlMapping,
    ControlParameter,
    Criterion,
    EvidenceRequest,
    Framework,
    Origin,
    Section,
)

M = TypeVar("M", bound=models.Model)


@dataclass
class LoadSummary:
    """What a load did, per entity: created / updated / unchanged / deleted counts."""

    counts: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    kept_local_edit: list[str] = field(default_factory=list)
    custom_ref_conflict: list[str] = field(default_factory=list)
    not_in_catalog: list[str] = field(default_factory=list)

    def count(self, entity: str, action: str, number: int = 1) -> None:
        self.counts[entity][action] += number

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {entity: dict(actions) for entity, actions in self.counts.items()},
            "kept_local_edit": self.kept_local_edit,
            "custom_ref_conflict": self.custom_ref_conflict,
            "not_in_catalog": self.not_in_catalog,
        }


def _assign(instance: models.Model, values: Mapping[str, Any]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _upsert(
    model: type[M],
    instance: M | None,
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    summary: LoadSummary,
    entity: str,
) -> M:
    if instance is None:
        summary.count(entity, "created")
        return model.objects.create(**lookup, **values)
    changed = _assign(instance, values)
    if changed:
        instance.save(update_fields=changed)
    summary.count(entity, "updated" if changed else "unchanged")
    return instance


def _section_parent_ref(ref: str, refs: set[str]) -> str | None:
    # Sub-sections (CIS 3.1) are listed flat; their parent is the ref before the last dot.
    parent = ref.rpartition(".")[0]
    return parent if parent in refs else None


def _sections_sync(
    framework: Framework, sections: tuple[SectionData, ...], summary: LoadSummary
) -> dict[str, Section]:
    existing = {section.ref: section for section in framework.sections.all()}
    refs = {section.ref for section in sections}
    positions = {section.ref: position for position, section in enumerate(sections)}
    synced: dict[str, Section] = {}
    for data in sorted(sections, key=lambda section: section.ref.count(".")):
        parent_ref = _section_parent_ref(data.ref, refs)
        values = {
            "title": data.title,
            "position": positions[data.ref],
            "parent_id": synced[parent_ref].pk if parent_ref else None,
        }
        lookup = {"framework": framework, "ref": data.ref}
        synced[data.ref] = _upsert(
            Section, existing.get(data.ref), lookup, values, summary, "sections"
        )
    return synced


def _criteria_sync(
    framework: Framework,
    data: FrameworkData,
    sections: Mapping[str, Section],
    summary: LoadSummary,
) -> dict[str, Criterion]:
    existing = {criterion.ref: criterion for criterion in framework.criteria.all()}
    synced: dict[str, Criterion] = {}
    for position, criterion in enumerate(data.criteria):
        values = {
            "section_id": sections[criterion.section].pk,
            "title": criterion.title,
            "description": criterion.description,
            "level": criterion.level,
            "assessment": criterion.assessment,
            "position": position,
        }
        lookup = {"framework": framework, "ref": criterion.ref}
        synced[criterion.ref] = _upsert(
            Criterion, existing.get(criterion.ref), lookup, values, summary, "criteria"
        )
    return synced


def _framework_sync(data: FrameworkData, summary: LoadSummary) -> dict[str, Criterion]:
    values = {
        "name": data.name,
        "version": data.version,
        "publisher": data.publisher,
        "kind": data.kind,
    }
    instance = Framework.objects.filter(slug=data.slug).first()
    framework = _upsert(Framework, instance, {"slug": data.slug}, values, summary, "frameworks")
    sections = _sections_sync(framework, data.sections, summary)
    criteria = _criteria_sync(framework, data, sections, summary)
    # The framework file is the truth for its criteria: ones it no longer lists go, and with
    # them their mappings (custom ones included: they point at a criterion that is gone).
    stale = framework.criteria.exclude(ref__in=criteria)
    summary.count("criteria", "deleted", stale.delete()[1].get(Criterion._meta.label, 0))
    stale_sections = framework.sections.exclude(ref__in=sections)
    summary.count("sections", "deleted", stale_sections.delete()[1].get(Section._meta.label, 0))
    return criteria


def _attestations_sync(
    attestations: tuple[AttestationData, ...], summary: LoadSummary
) -> dict[str, Attestation]:
    existing = {attestation.slug: attestation for attestation in Attestation.objects.all()}
    synced: dict[str, Attestation] = {}
    for data in attestations:
        values = {
            "provider": data.provider,
            "name": data.name,
            "period_start": data.period_start,
            "period_end": data.period_end,
            "url": data.url,
        }
        instance = existing.get(data.slug)
        lookup = {"slug": data.slug}
        synced[data.slug] = _upsert(Attestation, instance, lookup, values, summary, "attestations")
    return synced


def control_catalog_digest(control: Control) -> str:
    """SHA-256 of the catalog-managed fields of a control row as they are now."""
    values = {name: getattr(control, name) for name in CONTROL_TEXT_FIELDS}
    attestation = control.attestation.slug if control.attestation_id else None
    return _digest(values | {"attestation": attestation})


def _digest(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _control_values(data: ControlData, attestations: Mapping[str, Attestation]) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(data, name) for name in CONTROL_TEXT_FIELDS}
    values["attestation"] = attestations[data.attestation] if data.attestation else None
    return values


def _control_fields_sync(
    control: Control,
    data: ControlData,
    attestations: Mapping[str, Attestation],
    summary: LoadSummary,
) -> None:
    current = control_catalog_digest(control)
    new = _digest(data.catalog_values())
    if current != control.catalog_digest and current != new:
        summary.count("controls", "kept_local_edit")
        summary.kept_local_edit.append(control.ref)
        return
    changed = _assign(control, _control_values(data, attestations) | {"catalog_digest": new})
    if changed:
        control.save(update_fields=[*changed, "updated_at"])
    summary.count("controls", "updated" if changed else "unchanged")


def _mappings_sync(
    control: Control,
    data: ControlData,
    criteria: Mapping[tuple[str, str], Criterion],
    summary: LoadSummary,
) -> None:
    wanted = {criteria[pair].pk for pair in data.criteria}
    existing = {mapping.criterion_id: mapping for mapping in control.mappings.all()}
    ControlMapping.objects.bulk_create(
        ControlMapping(control=control, criterion_id=pk, origin=Origin.CATALOG)
        for pk in sorted(wanted - existing.keys())
    )
    summary.count("mappings", "created", len(wanted - existing.keys()))
    summary.count("mappings", "unchanged", len(wanted & existing.keys()))
    stale = [
        mapping.pk
        for criterion_id, mapping in existing.items()
        if mapping.origin == Origin.CATALOG and criterion_id not in wanted
    ]
    summary.count("mappings", "deleted", ControlMapping.objects.filter(pk__in=stale).delete()[0])


def _checks_sync(control: Control, data: ControlData, summary: LoadSummary) -> None:
    existing = {check.check_id: check for check in control.checks.all()}
    missing = [check_id for check_id in data.checks if check_id not in existing]
    ControlCheck.objects.bulk_create(
        ControlCheck(control=control, check_id=check_id, origin=Origin.CATALOG)
        for check_id in missing
    )
    summary.count("checks", "created", len(missing))
    summary.count("checks", "unchanged", len(data.checks) - len(missing))
    stale = [
        check.pk
        for check_id, check in existing.items()
        if check.origin == Origin.CATALOG and check_id not in data.checks
    ]
    summary.count("checks", "deleted", ControlCheck.objects.filter(pk__in=stale).delete()[0])


def _evidence_requests_sync(control: Control, data: ControlData, summary: LoadSummary) -> None:
    existing = {request.title: request for request in control.evidence_requests.all()}
    for request in data.evidence_requests:
        instance = existing.get(request.title)
        if instance is not None and instance.origin == Origin.CUSTOM:
            continue
        lookup = {"control": control, "title": request.title, "origin": Origin.CATALOG}
        values = {"frequency": request.frequency}
        _upsert(EvidenceRequest, instance, lookup, values, summary, "evidence_requests")
    titles = {request.title for request in data.evidence_requests}
    stale = [
        request.pk
        for title, request in existing.items()
        if request.origin == Origin.CATALOG and title not in titles
    ]
    deleted = EvidenceRequest.objects.filter(pk__in=stale).delete()[0]
    summary.count("evidence_requests", "deleted", deleted)


def _parameters_sync(control: Control, data: ControlData, summary: LoadSummary) -> None:
    existing = {parameter.name: parameter for parameter in control.parameters.all()}
    for name, default in data.parameters.items():
        instance = existing.get(name)
        values = {"default_value": default}
        if instance is None or not instance.overridden:
            values["value"] = default
        lookup = {"control": control, "name": name}
        _upsert(ControlParameter, instance, lookup, values, summary, "parameters")
    # A parameter the catalog dropped goes unless a person set its value.
    stale = [
        parameter.pk
        for name, parameter in existing.items()
        if name not in data.parameters and not parameter.overridden
    ]
    deleted = ControlParameter.objects.filter(pk__in=stale).delete()[1]
    summary.count("parameters", "deleted", deleted.get(ControlParameter._meta.label, 0))


def _control_sync(
    data: ControlData,
    control: Control | None,
    criteria: Mapping[tuple[str, str], Criterion],
    attestations: Mapping[str, Attestation],
    summary: LoadSummary,
) -> None:
    if control is None:
        values = _control_values(data, attestations)
        control = Control.objects.create(
            ref=data.ref,
            origin=Origin.CATALOG,
            catalog_digest=_digest(data.catalog_values()),
            **values,
        )
        summary.count("controls", "created")
    elif control.origin == Origin.CUSTOM:
        summary.custom_ref_conflict.append(data.ref)
        return
    else:
        _control_fields_sync(control, data, attestations, summary)
    _mappings_sync(control, data, criteria, summary)
    _checks_sync(control, data, summary)
    _evidence_requests_sync(control, data, summary)
    _parameters_sync(control, data, summary)


def _controls_sync(
    controls: tuple[ControlData, ...],
    criteria: Mapping[tuple[str, str], Criterion],
    attestations: Mapping[str, Attestation],
    summary: LoadSummary,
) -> None:
    existing = {
        control.ref: control
        for control in Control.objects.select_related("attestation").prefetch_related(
            "mappings", "checks", "evidence_requests", "parameters"
        )
    }
    for data in controls:
        _control_sync(data, existing.get(data.ref), criteria, attestations, summary)
    refs = {data.ref for data in controls}
    summary.not_in_catalog = sorted(
        ref
        for ref, control in existing.items()
        if control.origin == Origin.CATALOG and ref not in refs
    )


def catalog_load(data_dir: Path = DATA_DIR) -> CatalogLoad:
    """Validate and load the catalog in one transaction; record and return the CatalogLoad."""
    catalog = catalog_read(data_dir)
    summary = LoadSummary()
    with transaction.atomic():
        criteria: dict[tuple[str, str], Criterion] = {}
        for framework in catalog.frameworks:
            synced = _framework_sync(framework, summary)
            criteria.update({(framework.slug, ref): c for ref, c in synced.items()})
        attestations = _attestations_sync(catalog.attestations, summary)
        _controls_sync(catalog.controls, criteria, attestations, summary)
        return CatalogLoad.objects.create(
            catalog_version=catalog.version, summary=summary.as_dict()
        )
