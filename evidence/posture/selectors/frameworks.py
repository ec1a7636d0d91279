"""A framework's criteria tree with each criterion's mapped controls and their status today."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from evidence.posture.models import ControlStatus
from evidence.posture.selectors.filters import DashboardFilters
from evidence.posture.selectors.status import (
    ControlRow,
    CriterionStatus,
    control_rows,
    control_statuses_current,
    criterion_status,
    statuses_combined,
)
from grc.catalog.models import ControlMapping, Criterion, Framework, Section


@dataclass(frozen=True)
class ControlState:
    control: ControlRow
    status: str


@dataclass(frozen=True)
class CriterionNode:
    criterion: Criterion
    verdict: CriterionStatus
    controls: list[ControlState]

    @property
    def status(self) -> str:
        return self.verdict.status


@dataclass
class SectionNode:
    section: Section
    criteria: list[CriterionNode] = field(default_factory=list)
    children: list[SectionNode] = field(default_factory=list)

    def tally(self) -> Counter[str]:
        counts = Counter(node.status for node in self.criteria)
        for child in self.children:
            counts.update(child.tally())
        return counts

    @property
    def counts(self) -> dict[str, int]:
        counts = self.tally()
        return {status: counts[status] for status in ControlStatus}

    @property
    def empty(self) -> bool:
        return not self.criteria and all(child.empty for child in self.children)


def framework_tree(framework: Framework, filters: DashboardFilters) -> list[SectionNode]:
    """Top-level sections with nested sub-sections and criteria. Six queries.

    With a responsibility, service or status filter, only matching controls are listed and
    criteria without any are left out; a criterion's status still counts all its controls.
    """
    controls = control_rows()
    current = statuses_combined(control_statuses_current(filters.account_ids))
    mapped: dict[int, list[int]] = defaultdict(list)
    for criterion_id, control_id in (
        ControlMapping.objects.filter(criterion__framework=framework)
        .order_by("control__ref")
        .values_list("criterion_id", "control_id")
    ):
        mapped[criterion_id].append(control_id)

    nodes = {
        section.pk: SectionNode(section) for section in framework.sections.order_by("position")
    }
    narrowing = bool(filters.responsibility or filters.service or filters.status)
    criteria = Criterion.objects.filter(framework=framework).order_by("position")
    for criterion in criteria.only("ref", "title", "description", "section_id", "level"):
        control_ids = mapped.get(criterion.pk, [])
        states = [
            ControlState(controls[pk], current.get(pk, ControlStatus.NOT_EVIDENCED))
            for pk in control_ids
            if pk in controls
        ]
        shown = [s for s in states if filters.control_matches(s.control, s.status)]
        if narrowing and not shown:
            continue
        nodes[criterion.section_id].criteria.append(
            CriterionNode(criterion, criterion_status(control_ids, controls, current), shown)
        )
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.section.parent_id)
        (parent.children if parent else roots).append(node)
    return roots
