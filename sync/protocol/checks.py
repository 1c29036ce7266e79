"""Rules over several fields of one record that more than one family of records uses
(an entity lists them in its `checks`). Each takes the record's values - wire values,
or datetimes for times - and returns the Problem it finds, or None."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sync.protocol.problems import Problem

Rule = Callable[[Mapping[str, Any]], Problem | None]


def both_or_neither(a: str, b: str) -> Rule:
    def rule(values: Mapping[str, Any]) -> Problem | None:
        if (values.get(a) is None) != (values.get(b) is None):
            return Problem("both_or_neither", a, other=b)
        return None
    return rule


def ends_after_starts(start: str, end: str) -> Rule:
    """A period: its end (when given) is not before its start."""
    def rule(values: Mapping[str, Any]) -> Problem | None:
        a, b = values.get(start), values.get(end)
        if a is not None and b is not None and _instant(b) < _instant(a):
            return Problem("ends_before_starts", end, other=start)
        return None
    return rule


def needs_operation(values: Mapping[str, Any]) -> Problem | None:
    """A record seen by the agencies of an operation names that operation."""
    if values.get("visibility") == "operation" and values.get("operation_id") is None:
        return Problem("operation_needs_id", "operation_id")
    return None


def _instant(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(
        str(value).replace("Z", "+00:00"))
