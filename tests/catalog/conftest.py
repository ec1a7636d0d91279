"""Catalog test fixtures: a small catalog copied per test so tests can change it upstream."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from collectors import registry
from collectors.types import CheckSpec, Severity

FIXTURE_CATALOG = Path(__file__).parent / "fixtures" / "catalog"

EditCatalog = Callable[[str, Callable[[dict[str, Any]], None]], None]


@pytest.fixture(autouse=True)
def fixture_password_check(monkeypatch: pytest.MonkeyPatch) -> CheckSpec:
    """A registered check with parameters, so parameter tests do not wait for the IAM module."""
    spec = CheckSpec(
        id="fixture_password_policy",
        title="Password policy (test check)",
        service="iam",
        resource_type="AWS::IAM::AccountPasswordPolicy",
        severity=Severity.MEDIUM,
        evaluate=lambda snapshot, context: [],
        parameters={"password_min_length": 14, "password_reuse_prevention": 24},
    )
    registry.load_checks()
    monkeypatch.setitem(registry.CHECKS, spec.id, spec)
    return spec


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE_CATALOG, tmp_path / "catalog"))


@pytest.fixture
def edit_catalog(catalog_dir: Path) -> EditCatalog:
    """edit_catalog("controls.yaml", mutate): load a file, let mutate change it, write it back."""

    def edit(name: str, mutate: Callable[[dict[str, Any]], None]) -> None:
        path = catalog_dir / name
        document = yaml.safe_load(path.read_text())
        mutate(document)
        path.write_text(yaml.safe_dump(document, sort_keys=False))

    return edit
