"""``{{ start|took:end }}``: how long something took, in seconds, minutes or hours."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


def duration_text(seconds: float) -> str:
    """28 s, 4 min 12 s, 2 h 5 min: whole units, never "0 minutes" for half a minute."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@register.filter
def took(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if start is None or end is None:
        return ""
    return duration_text((end - start).total_seconds())
