from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grc.catalog.loader import CatalogError, catalog_load, catalog_read, control_catalog_digest
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
    ParameterChange,
    Section,
)
from grc.catalog.services.parameters import control_parameter_set
from tests.catalog.conftest import EditCatalog
from tests.factories import (
    ControlCheckFactory,
    ControlFactory,
    ControlMappingFactory,
    EvidenceRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CATALOG_MODELS = (
    Framework,
    Section,
    Criterion,
    Attestation,
    Control,
    ControlMapping,
    ControlCheck,
    EvidenceRequest,
    ControlParameter,
    ParameterChange,
)


def rows() -> dict[str, list[dict[str, Any]]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CATALOG_MODELS}


def control_entry(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(entry for entry in document["controls"] if entry["ref"] == ref)


def mapped_refs(control_ref: str) -> set[tuple[str, str]]:
    return set(
        ControlMapping.objects.filter(control__ref=control_ref).values_list(
            "criterion__framework__slug", "criterion__ref"
        )
    )


def test_load_creates_the_catalog(catalog_dir: Path) -> None:
    load = catalog_load(catalog_dir)

    assert load.catalog_version == "2026.1.0"
    assert sorted(Framework.objects.values_list("slug", flat=True)) == [
        "cis-aws-7.0.0",
        "soc2-2017",
    ]
    assert Criterion.objects.count() == 9
    assert Section.objects.get(framework__slug="cis-aws-7.0.0", ref="3.1").parent.ref == "3"
    assert Section.objects.get(framework__slug="soc2-2017", ref="CC6").parent is None
    assert list(
        Criterion.objects.filter(framework__slug="cis-aws-7.0.0").values_list("ref", flat=True)
    ) == ["2.9", "2.10", "3.1.1", "3.1.2"]
    control = Control.objects.get(ref="ENC-01")
    assert control.origin == Origin.CATALOG
    assert control.attestation.slug == "aws-soc2-type2"
    assert control.catalog_digest == control_catalog_digest(control)
    assert mapped_refs("ENC-01") == {
        ("soc2-2017", "CC6.1"),
        ("soc2-2017", "C1.1"),
        ("cis-aws-7.0.0", "3.1.1"),
    }
    assert sorted(control.checks.values_list("check_id", flat=True)) == [
        "s3_bucket_default_encryption",
        "s3_bucket_versioning",
    ]
    parameter = ControlParameter.objects.get(control__ref="IAM-01", name="password_min_length")
    assert (parameter.value, parameter.default_value, parameter.overridden) == (14, 14, False)
    counts = load.summary["counts"]
    assert counts["controls"] == {"created": 5}
    assert counts["mappings"]["created"] == 8
    assert counts["criteria"]["created"] == 9


def test_loading_twice_yields_the_same_rows(catalog_dir: Path) -> None:
    catalog_load(catalog_dir)
    first = rows()

    second_load = catalog_load(catalog_dir)

    assert rows() == first
    counts = second_load.summary["counts"]
    changes = {
        (entity, action): number
        for entity, actions in counts.items()
        for action, number in actions.items()
        if action != "unchanged" and number
    }
    assert changes == {}
    assert counts["controls"] == {"unchanged": 5}
    assert CatalogLoad.objects.count() == 2


def test_reload_keeps_local_edits_and_takes_new_catalog_text(
    catalog_dir: Path, edit_catalog: EditCatalog
) -> None:
    catalog_load(catalog_dir)
    custom = ControlFactory(ref="CUS-01", statement="Our own control.")
    ControlMappingFactory(control=custom, criterion=Criterion.objects.get(ref="CC6.7"))
    Control.objects.filter(ref="IAM-01").update(statement="Edited by the compliance manager.")
    minimum = ControlParameter.objects.get(control__ref="IAM-01", name="password_min_length")
    control_parameter_set(parameter=minimum, value=16, user=UserFactory(), reason="Policy v2")
    custom_rows = list(Control.objects.filter(ref="CUS-01").values())

    def upstream(document: dict[str, Any]) -> None:
        for ref in ("IAM-01", "HR-01"):
            control_entry(document, ref)["statement"] = f"New catalog text for {ref}."
        control_entry(document, "IAM-01")["parameters"] = {
            "password_min_length": 15,
            "password_reuse_prevention": 12,
        }

    edit_catalog("controls.yaml", upstream)
    load = catalog_load(catalog_dir)

    assert list(Control.objects.filter(ref="CUS-01").values()) == custom_rows
    assert mapped_refs("CUS-01") == {("soc2-2017", "CC6.7")}
    assert Control.objects.get(ref="IAM-01").statement == "Edited by the compliance manager."
    assert Control.objects.get(ref="HR-01").statement == "New catalog text for HR-01."
    minimum.refresh_from_db()
    assert (minimum.value, minimum.default_value, minimum.overridden) == (16, 15, True)
    reuse = ControlParameter.objects.get(control__ref="IAM-01", name="password_reuse_prevention")
    assert (reuse.value, reuse.default_value, reuse.overridden) == (12, 12, False)
    assert load.summary["kept_local_edit"] == ["IAM-01"]
    assert load.summary["counts"]["controls"] == {
        "unchanged": 3,
        "updated": 1,
        "kept_local_edit": 1,
    }

    # The edit stays detected on the next load instead of being adopted as catalog text.
    assert catalog_load(catalog_dir).summary["kept_local_edit"] == ["IAM-01"]


def test_custom_control_holding_a_catalog_ref_is_not_touched(catalog_dir: Path) -> None:
    ControlFactory(ref="HR-01", statement="Ours.")

    load = catalog_load(catalog_dir)

    control = Control.objects.get(ref="HR-01")
    assert (control.origin, control.statement, control.mappings.count()) == ("custom", "Ours.", 0)
    assert load.summary["custom_ref_conflict"] == ["HR-01"]


def test_catalog_relations_follow_upstream_and_custom_ones_stay(
    catalog_dir: Path, edit_catalog: EditCatalog
) -> None:
    catalog_load(catalog_dir)
    control = Control.objects.get(ref="ENC-01")
    ControlMappingFactory(control=control, criterion=Criterion.objects.get(ref="CC6.7"))
    ControlCheckFactory(control=control, check_id="s3_bucket_tls_only")
    EvidenceRequestFactory(control=control, title="Our own key inventory")

    def upstream(document: dict[str, Any]) -> None:
        entry = control_entry(document, "ENC-01")
        entry["criteria"]["soc2-2017"] = ["C1.1"]
        entry["checks"] = ["s3_bucket_default_encryption", "s3_bucket_public_access_block"]
        entry["evidence_requests"] = [{"title": "Encryption exceptions register"}]

    edit_catalog("controls.yaml", upstream)
    load = catalog_load(catalog_dir)

    assert mapped_refs("ENC-01") == {
        ("soc2-2017", "C1.1"),
        ("soc2-2017", "CC6.7"),
        ("cis-aws-7.0.0", "3.1.1"),
    }
    assert dict(control.checks.values_list("check_id", "origin")) == {
        "s3_bucket_default_encryption": "catalog",
        "s3_bucket_public_access_block": "catalog",
        "s3_bucket_tls_only": "custom",
    }
    assert dict(control.evidence_requests.values_list("title", "origin")) == {
        "Encryption exceptions register": "catalog",
        "Our own key inventory": "custom",
    }
    counts = load.summary["counts"]
    assert (counts["mappings"]["created"], counts["mappings"]["deleted"]) == (0, 1)
    assert (counts["checks"]["created"], counts["checks"]["deleted"]) == (1, 1)


def test_framework_versions_coexist(catalog_dir: Path, edit_catalog: EditCatalog) -> None:
    (catalog_dir / "frameworks" / "cis-aws-3.0.0.yaml").write_text(
        """
framework: {slug: cis-aws-3.0.0, name: CIS AWS Foundations, version: "3.0.0", kind: cis}
sections: [{ref: "1", title: Identity and Access Management}]
criteria:
  - {ref: "1.8", section: "1", title: Password length, level: 1, assessment: automated}
  - {ref: "2.9", section: "1", title: Same ref in another version, level: 2, assessment: manual}
"""
    )
    edit_catalog(
        "controls.yaml",
        lambda document: control_entry(document, "IAM-01")["criteria"].update(
            {"cis-aws-3.0.0": ["1.8"]}
        ),
    )

    catalog_load(catalog_dir)

    assert mapped_refs("IAM-01") == {
        ("soc2-2017", "CC6.1"),
        ("cis-aws-7.0.0", "2.9"),
        ("cis-aws-3.0.0", "1.8"),
    }
    levels = dict(Criterion.objects.filter(ref="2.9").values_list("framework__slug", "level"))
    assert levels == {"cis-aws-7.0.0": 1, "cis-aws-3.0.0": 2}


def test_criteria_dropped_upstream_are_deleted(
    catalog_dir: Path, edit_catalog: EditCatalog
) -> None:
    catalog_load(catalog_dir)

    def drop_c11(document: dict[str, Any]) -> None:
        document["criteria"] = [c for c in document["criteria"] if c["ref"] != "C1.1"]
        document["sections"] = [s for s in document["sections"] if s["ref"] != "C1"]

    edit_catalog("frameworks/soc2-2017.yaml", drop_c11)
    edit_catalog(
        "controls.yaml",
        lambda document: control_entry(document, "ENC-01")["criteria"].update(
            {"soc2-2017": ["CC6.1"]}
        ),
    )
    load = catalog_load(catalog_dir)

    assert not Criterion.objects.filter(ref="C1.1").exists()
    assert not Section.objects.filter(ref="C1").exists()
    assert load.summary["counts"]["criteria"]["deleted"] == 1


def test_control_dropped_upstream_is_kept_and_reported(
    catalog_dir: Path, edit_catalog: EditCatalog
) -> None:
    catalog_load(catalog_dir)

    edit_catalog(
        "controls.yaml",
        lambda document: document.update(
            controls=[c for c in document["controls"] if c["ref"] != "LOG-01"]
        ),
    )
    load = catalog_load(catalog_dir)

    assert Control.objects.filter(ref="LOG-01").exists()
    assert load.summary["not_in_catalog"] == ["LOG-01"]


def break_check_id(document: dict[str, Any]) -> None:
    control_entry(document, "LOG-01")["checks"] = ["s3_bucket_logging_typo"]


def break_criterion(document: dict[str, Any]) -> None:
    control_entry(document, "IAM-01")["criteria"]["cis-aws-7.0.0"] = ["2.99"]


def break_framework(document: dict[str, Any]) -> None:
    control_entry(document, "IAM-01")["criteria"]["cis-aws-9.0.0"] = ["2.9"]


def break_inherited(document: dict[str, Any]) -> None:
    del control_entry(document, "DC-01")["attestation"]


def break_attestation(document: dict[str, Any]) -> None:
    control_entry(document, "ENC-01")["attestation"] = "aws-pci"


def break_responsibility(document: dict[str, Any]) -> None:
    del control_entry(document, "HR-01")["responsibility"]


def break_duplicate_ref(document: dict[str, Any]) -> None:
    control_entry(document, "LOG-01")["ref"] = "HR-01"


def break_no_criterion(document: dict[str, Any]) -> None:
    control_entry(document, "LOG-01")["criteria"] = {}


def break_no_evidence(document: dict[str, Any]) -> None:
    control_entry(document, "LOG-01")["checks"] = []


def break_unquoted_ref(document: dict[str, Any]) -> None:
    control_entry(document, "IAM-01")["criteria"]["cis-aws-7.0.0"] = [2.9]


def break_parameter(document: dict[str, Any]) -> None:
    control_entry(document, "IAM-01")["parameters"]["password_max_age_days"] = 90


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (
            break_check_id,
            "controls.yaml: control LOG-01: unknown check id 's3_bucket_logging_typo'",
        ),
        (break_criterion, "control IAM-01: unknown criterion '2.99' in framework 'cis-aws-7.0.0'"),
        (break_framework, "control IAM-01: unknown framework 'cis-aws-9.0.0' in criteria"),
        (break_inherited, "controls.yaml: control DC-01: inherited control needs an attestation"),
        (break_attestation, "control ENC-01: unknown attestation 'aws-pci'"),
        (break_responsibility, "controls.yaml: control HR-01: missing responsibility"),
        (break_duplicate_ref, "controls.yaml: control HR-01: duplicate 'HR-01'"),
        (break_no_criterion, "control LOG-01: maps to no criterion"),
        (break_no_evidence, "control LOG-01: has no evidence"),
        (break_unquoted_ref, "control IAM-01: criteria.cis-aws-7.0.0 must be a list of strings"),
        (break_parameter, "parameter 'password_max_age_days' is not declared by any of its checks"),
    ],
)
def test_invalid_controls_are_reported_and_nothing_is_written(
    catalog_dir: Path, edit_catalog: EditCatalog, mutate: Any, error: str
) -> None:
    edit_catalog("controls.yaml", mutate)

    with pytest.raises(CatalogError) as raised:
        catalog_load(catalog_dir)

    assert [e for e in raised.value.errors if error in e], raised.value.errors
    assert not Framework.objects.exists()
    assert not CatalogLoad.objects.exists()


def test_invalid_framework_entries_are_reported(
    catalog_dir: Path, edit_catalog: EditCatalog
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        document["criteria"][1]["ref"] = "2.9"
        document["criteria"][2]["section"] = "9"
        document["criteria"][3]["level"] = 3

    edit_catalog("frameworks/cis-aws-7.0.0.yaml", mutate)

    with pytest.raises(CatalogError) as raised:
        catalog_read(catalog_dir)

    errors = raised.value.errors
    assert "frameworks/cis-aws-7.0.0.yaml: criterion 2.9: duplicate '2.9'" in errors
    assert "frameworks/cis-aws-7.0.0.yaml: criterion 3.1.1: unknown section '9'" in errors
    assert "frameworks/cis-aws-7.0.0.yaml: criterion 3.1.2: level must be 1 or 2, got 3" in errors


def test_missing_file_is_reported(catalog_dir: Path) -> None:
    (catalog_dir / "controls.yaml").unlink()

    with pytest.raises(CatalogError) as raised:
        catalog_read(catalog_dir)

    assert raised.value.errors == ["controls.yaml: file not found"]
