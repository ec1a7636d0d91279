"""Export plumbing every app shares: cells that a spreadsheet cannot run as formulas."""

from __future__ import annotations

from typing import Any

# A spreadsheet treats a cell starting with these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula by prefixing a single quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
