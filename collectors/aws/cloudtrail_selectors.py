"""How a trail's event selectors are read: management events and S3 object data events.

Classic selectors (EventSelectors) and advanced ones (AdvancedEventSelectors) are both judged;
a trail without custom selectors uses AWS's default, which records every management event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ALL_S3_OBJECTS = ("arn:aws:s3", "arn:aws:s3:::")


def _fields(selector: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {field["Field"]: field for field in selector.get("FieldSelectors", [])}


def uses_default_selectors(description: Mapping[str, Any], selectors: Any) -> bool:
    """A trail nobody gave event selectors records all management events (AWS's default).

    DescribeTrails says so with ``HasCustomEventSelectors: false``; selectors that were read and
    are not empty are judged as they are (some endpoints report the flag false regardless).
    """
    if description.get("HasCustomEventSelectors", True):
        return False
    if isinstance(selectors, Mapping):
        return not (selectors.get("EventSelectors") or selectors.get("AdvancedEventSelectors"))
    return True  # unreadable selectors: the flag alone says the default applies


def records_all_management_events(selectors: Mapping[str, Any]) -> bool:
    """Management events, both read and write, through classic or advanced selectors.

    Several selectors together count (one read-only and one write-only selector cover both).
    An advanced selector counts when it only narrows by ``readOnly`` or excludes event sources
    (``eventSource`` NotEquals), like ExcludeManagementEventSources on a classic selector.
    """
    covered: set[str] = set()
    directions = {"All": {"read", "write"}, "ReadOnly": {"read"}, "WriteOnly": {"write"}}
    for selector in selectors.get("EventSelectors") or []:
        if selector.get("IncludeManagementEvents", True):
            covered |= directions.get(selector.get("ReadWriteType", "All"), set())
    for selector in selectors.get("AdvancedEventSelectors") or []:
        covered |= _advanced_management_directions(_fields(selector))
    return covered == {"read", "write"}


def _advanced_management_directions(fields: Mapping[str, Mapping[str, Any]]) -> set[str]:
    if fields.get("eventCategory", {}).get("Equals") != ["Management"]:
        return set()
    for name, field in fields.items():
        if name in ("eventCategory", "readOnly"):
            continue
        operators = {key for key, value in field.items() if key != "Field" and value}
        if not (name == "eventSource" and operators <= {"NotEquals"}):
            return set()  # narrowed to some event sources or by another attribute
    read_only = fields.get("readOnly", {}).get("Equals")
    if read_only is None:
        return {"read", "write"}
    return {"read"} if read_only == ["true"] else {"write"} if read_only == ["false"] else set()


def records_s3_objects(selectors: Mapping[str, Any], *, write: bool) -> bool:
    """S3 object data events for all buckets in the given direction (write or read)."""
    wanted = {"All", "WriteOnly" if write else "ReadOnly"}
    for selector in selectors.get("EventSelectors") or []:
        if selector.get("ReadWriteType", "All") in wanted and any(
            resource.get("Type") == "AWS::S3::Object"
            and any(value in ALL_S3_OBJECTS for value in resource.get("Values", []))
            for resource in selector.get("DataResources", [])
        ):
            return True
    read_only = ["false"] if write else ["true"]
    for selector in selectors.get("AdvancedEventSelectors") or []:
        fields = _fields(selector)
        if (
            fields.get("eventCategory", {}).get("Equals") == ["Data"]
            and fields.get("resources.type", {}).get("Equals") == ["AWS::S3::Object"]
            and "resources.ARN" not in fields
            and fields.get("readOnly", {}).get("Equals", read_only) == read_only
        ):
            return True
    return False
