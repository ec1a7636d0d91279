"""Sample sizes by frequency, the seeded draw, and the OSCAL document against trestle's models."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from evidence.packets.services import sampling

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("frequency", "size"),
    [("annual", 1), ("quarterly", 2), ("monthly", 2), ("weekly", 5), ("daily", 25),
     ("continuous", 25), ("Semi-annual", 1), ("", 25)],
)  # fmt: skip
def test_sample_sizes_by_frequency(frequency, size):
    assert sampling.sample_size(frequency, sampling.sample_sizes_clean(None)) == size


def test_sizes_are_configurable_and_validated():
    sizes = sampling.sample_sizes_clean({"continuous": 60, "quarterly": 3})
    assert sampling.sample_size("continuous", sizes) == 60
    assert sampling.sample_size("quarterly", sizes) == 3
    for bad in ({"hourly": 3}, {"daily": 0}, {"daily": "5"}):
        with pytest.raises(ValidationError):
            sampling.sample_sizes_clean(bad)


def test_the_draw_is_seeded_bounded_and_in_population_order():
    population = list(range(100))
    first = sampling.sample_draw(population, size=25, seed="s", ref="AC-01")
    assert first == sampling.sample_draw(population, size=25, seed="s", ref="AC-01")
    assert first != sampling.sample_draw(population, size=25, seed="s", ref="AC-02")
    assert len(first) == 25 and first == sorted(first)
    assert sampling.sample_draw([1, 2], size=25, seed="s", ref="AC-01") == [1, 2]
    assert sampling.sample_draw([], size=1, seed="s", ref="AC-01") == []


def test_oscal_assessment_results_validate(small_history, build_packet):
    trestle = pytest.importorskip("trestle.oscal.assessment_results")
    import datetime as dt

    from tests.packets.conftest import zip_entries

    packet = build_packet(
        framework=small_history["framework"],
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 5),
        accounts=[small_history["account"]],
        requested_by=None,
    )
    entries = zip_entries(packet.file.path)
    document = json.loads(entries["oscal/assessment-results.json"])
    parsed = trestle.AssessmentResults.model_validate(document["assessment-results"])
    result = parsed.results[0]
    assert [f.target.target_id for f in result.findings] == ["dp-10_smt"]
    assert result.findings[0].target.status.state.value == "not-satisfied"
    hrefs = {e.href for o in result.observations for e in (o.relevant_evidence or [])}
    shas = {
        name[len("evidence/") : -len(".json")] for name in entries if name.startswith("evidence/")
    }
    assert {f"evidence/{sha}.json" for sha in shas} & hrefs, "observations link evidence hashes"
    assert all(href in entries for href in hrefs)
    broken = json.loads(json.dumps(document["assessment-results"]))
    broken["results"][0]["findings"][0]["target"]["status"]["state"] = "passing"
    with pytest.raises(ValueError):  # pydantic's ValidationError: the models do check
        trestle.AssessmentResults.model_validate(broken)
