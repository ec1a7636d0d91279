"""Small readers of YAML values that collect every problem instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml


class Errors(list[str]):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def read_yaml(path: Path, name: str, errors: Errors) -> Mapping[str, Any] | None:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        errors.add(name, "file not found")
        return None
    except yaml.YAMLError as exc:
        errors.add(name, f"invalid YAML: {exc}")
        return None
    if not isinstance(document, dict):
        errors.add(name, "expected a mapping at the top level")
        return None
    return document


def unknown_keys(entry: Mapping[str, Any], allowed: set[str], where: str, errors: Errors) -> None:
    for key in sorted(set(entry) - allowed):
        errors.add(where, f"unknown key {key!r}")


def text(
    entry: Mapping[str, Any], key: str, where: str, errors: Errors, *, required: bool = True
) -> str:
    value = entry.get(key)
    if value is None or value == "":
        if required:
            errors.add(where, f"missing {key}")
        return ""
    if not isinstance(value, str):
        # YAML reads an unquoted 2.10 as the float 2.1: refs and texts must be strings.
        errors.add(where, f"{key} must be a string (quote it), got {value!r}")
        return ""
    return value.strip()


def entries(
    document: Mapping[str, Any], key: str, where: str, errors: Errors
) -> list[Mapping[str, Any]]:
    entries = document.get(key)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        errors.add(where, f"{key} must be a list of mappings")
        return []
    return entries


def entry_where(name: str, kind: str, entry: Mapping[str, Any], index: int) -> str:
    ref = entry.get("ref", entry.get("slug"))
    return (
        f"{name}: {kind} {ref}" if isinstance(ref, str) and ref else f"{name}: {kind} #{index + 1}"
    )


def duplicate(seen: set[str], key: str, where: str, errors: Errors) -> bool:
    if key in seen:
        errors.add(where, f"duplicate {key!r}")
        return True
    seen.add(key)
    return False


def date_value(entry: Mapping[str, Any], key: str, where: str, errors: Errors) -> date | None:
    value = entry.get(key)
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.add(where, f"{key} must be a date (YYYY-MM-DD), got {value!r}")
        return None


def string_list(value: Any, key: str, where: str, errors: Errors) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.add(where, f'{key} must be a list of strings (quote refs such as "2.10")')
        return []
    for item in sorted({item for item in value if value.count(item) > 1}):
        errors.add(where, f"{key} lists {item!r} twice")
    return list(dict.fromkeys(value))
