from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from grc.catalog.models import Control, Framework
from tests.catalog.conftest import EditCatalog

pytestmark = pytest.mark.django_db


def run(*args: Any) -> str:
    stdout = StringIO()
    call_command(*args, stdout=stdout)
    return stdout.getvalue()


def test_load_catalog_loads_and_prints_the_summary(catalog_dir: Path) -> None:
    output = run("load_catalog", "--data-dir", str(catalog_dir))

    assert Control.objects.count() == 5
    assert output.splitlines()[0] == "loaded catalog 2026.1.0"
    assert "  controls: 5 created" in output.splitlines()

    Control.objects.filter(ref="HR-01").update(name="Renamed by us")
    again = run("load_catalog", "--data-dir", str(catalog_dir)).splitlines()
    assert "  controls: 4 unchanged, 1 kept local edit" in again
    assert "  kept local edits (not updated): HR-01" in again


def test_load_catalog_check_validates_without_writing(catalog_dir: Path) -> None:
    output = run("load_catalog", "--check", "--data-dir", str(catalog_dir))

    assert output == "catalog 2026.1.0 is valid: 2 frameworks, 5 controls\n"
    assert not Framework.objects.exists()


def test_load_catalog_fails_with_the_validation_errors(
    catalog_dir: Path, edit_catalog: EditCatalog
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        document["controls"][0]["checks"] = ["no_such_check"]
        del document["controls"][2]["attestation"]

    edit_catalog("controls.yaml", mutate)

    with pytest.raises(CommandError) as raised:
        run("load_catalog", "--check", "--data-dir", str(catalog_dir))

    assert str(raised.value).splitlines() == [
        f"2 problem(s) in {catalog_dir}:",
        "controls.yaml: control HR-01: unknown check id 'no_such_check'"
        " (not in collectors.registry)",
        "controls.yaml: control DC-01: inherited control needs an attestation",
    ]


def test_coverage_prints_a_table_per_framework(catalog_dir: Path) -> None:
    run("load_catalog", "--data-dir", str(catalog_dir))

    output = run("coverage", "--verbose")

    assert output.splitlines() == [
        "framework       criteria  automated     manual   provider  uncovered",
        "cis-aws-7.0.0          4          3          1          1          1",
        "  uncovered: 2.10",
        "soc2-2017              5          2          3          3          1",
        "  uncovered: CC6.7",
    ]


def test_coverage_of_one_framework_and_unknown_slugs(catalog_dir: Path) -> None:
    run("load_catalog", "--data-dir", str(catalog_dir))

    assert run("coverage", "soc2-2017").splitlines() == [
        "framework   criteria  automated     manual   provider  uncovered",
        "soc2-2017          5          2          3          3          1",
    ]
    with pytest.raises(CommandError, match="unknown framework: pci-4"):
        run("coverage", "soc2-2017", "pci-4")
