"""A notice every page shows: the local demo's simulated history, while it builds and after.

``python -m demo history`` writes ``DATA_DIR/demo-history.json`` (state, days done, total); this
reads it on each page so the banner shows progress. Outside the demo the file does not exist and
pages get nothing. The product never imports the demo: the file is the only link.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest

DEMO_HISTORY_FILE = "demo-history.json"


def demo_history_progress() -> dict[str, Any] | None:
    path = Path(settings.DATA_DIR) / DEMO_HISTORY_FILE
    try:
        progress = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(progress, dict):
        return None
    total = int(progress.get("total") or 0)
    done = int(progress.get("done") or 0)
    return {
        "state": str(progress.get("state", "")),
        "done": done,
        "total": total,
        "days": int(progress.get("days") or 0),
        "percent": round(100 * done / total) if total else 0,
        "seconds": progress.get("seconds"),
        "error": str(progress.get("error", "")),
    }


def demo_history(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"demo_history": demo_history_progress()}
