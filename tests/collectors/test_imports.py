"""collectors/ is plain Python: it never imports Django or the project's Django apps."""

from __future__ import annotations

import ast
from pathlib import Path

import collectors

FORBIDDEN = {"django", "grc", "evidence"}
PACKAGE = Path(collectors.__file__).parent


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_collectors_never_import_django_or_apps() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(imported_roots(path) & FORBIDDEN) for path in files
    }
    assert {path: roots for path, roots in offenders.items() if roots} == {}


def test_the_scan_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import django.conf\nfrom evidence.models import Run\nfrom . import grc\n")
    assert imported_roots(sample) == {"django", "evidence"}
