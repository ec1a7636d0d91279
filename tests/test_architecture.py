"""The layers of the code, checked from its imports: no cycle, and no arrow pointing up.

Layers, lowest first: collectors (plain boto3), access, catalog, collection, manual, posture,
packets; ``grc`` itself is wiring (settings, urls, celery) and may import anything. Inside an
app, models, services and selectors never import its tasks, views, api or urls. Nothing in the
product imports the demo seeder. Sizes: no module over 400 lines and no function over 60
lines, outside migrations and the demo seeder.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("collectors", "grc", "evidence")
LAYERS = [
    "collectors",
    "grc.access",
    "grc.catalog",
    "evidence.collection",
    "evidence.organizations",
    "evidence.manual",
    "evidence.exceptions",
    "evidence.posture",
    "evidence.packets",
    "evidence.notifications",
]
WIRING = "grc"
LOWER_PARTS = {"models", "services", "selectors"}
UPPER_PARTS = {"tasks", "views", "api", "urls"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(path: Path, name: str) -> set[str]:
    """Every module named in an import, at module level or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def graph() -> dict[str, set[str]]:
    found = modules()
    return {
        name: {target for target in imports_of(path, name) if target in found and target != name}
        for name, path in found.items()
    }


def layer_of(module: str) -> int | None:
    for rank, prefix in reversed(list(enumerate(LAYERS))):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def part_of(module: str) -> str:
    for prefix in LAYERS:
        if module.startswith(prefix + "."):
            return module[len(prefix) + 1 :].split(".")[0]
    return ""


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_there_is_no_import_cycle() -> None:
    edges = graph()
    # A package's __init__ re-exporting its own modules is not a cycle between layers.
    edges = {
        source: {t for t in targets if not source.startswith(t + ".")}
        for source, targets in edges.items()
    }
    assert cycles(edges) == []


def test_no_layer_imports_a_layer_above_it() -> None:
    upward = []
    for source, targets in graph().items():
        rank = layer_of(source)
        if rank is None:
            continue
        upward += [f"{source} -> {t}" for t in targets if (layer_of(t) or -1) > rank]
        if source.split(".")[0] != WIRING and layer_of(source) is None:
            upward.append(source)
    assert upward == []


def test_collectors_never_import_django() -> None:
    offenders = [
        name
        for name, path in modules().items()
        if name.startswith("collectors")
        and any(t.split(".")[0] in {"django", "grc", "evidence"} for t in imports_of(path, name))
    ]
    assert offenders == []


def test_models_services_and_selectors_never_import_tasks_views_or_api() -> None:
    offenders = [
        f"{source} -> {target}"
        for source, targets in graph().items()
        if part_of(source) in LOWER_PARTS
        for target in targets
        if part_of(target) in UPPER_PARTS
    ]
    assert offenders == []


def test_the_product_never_imports_the_demo() -> None:
    offenders = [
        name
        for name, path in modules().items()
        if any(t == "demo" or t.startswith("demo.") for t in imports_of(path, name))
    ]
    assert offenders == []


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for name, path in modules().items():
        source = path.read_text()
        if source.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{name}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert too_long == []


def test_every_app_has_the_same_anatomy() -> None:
    """Each Django app keeps its code in the same folders; no loose services/selectors files."""
    apps = [ROOT / prefix.replace(".", "/") for prefix in LAYERS[1:]]
    loose = [
        str(app / f"{part}.py")
        for app in apps
        for part in ("models", "services", "selectors", "views", "api")
        if (app / f"{part}.py").exists()
    ]
    assert loose == []
    assert all((app / "models" / "__init__.py").exists() for app in apps)
    assert all((app / "apps.py").exists() for app in apps)


def test_the_scan_sees_imports_and_cycles(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import django.conf\nfrom evidence.models import Run\nfrom . import grc\n")
    assert {"django.conf", "evidence.models", "evidence.models.Run"} <= imports_of(
        sample, "pkg.sample"
    )
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
