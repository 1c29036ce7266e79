"""What a person typed, as typed values checked by the entity definitions.

This module only parses human input: whole numbers, numbers with a decimal
comma, local times (ISO-8601 or a date-time group), blank meaning "none",
comma-separated agency lists. Every rule about the values themselves (limits,
vocabularies, required fields, rules over several fields, the time window) is
the entity's own, in `sync.protocol` (`Entity.check_value`, `check_record`,
`check_times`, `missing_on_create`), the same rules the local writer and the
server apply. A refusal is an `InvalidInput` carrying the `Problem`, so the UI
shows it in the user's language next to the field it names.

`check_input` returns canonical wire values (times as UTC text ending in "Z",
ids as text) for the fields given, plus, when creating, the defaults of the
definition.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.core.timefmt import parse_dtg, parse_iso, to_utc, utcnow
from sync.protocol.entity import ENTITIES, Entity, Field
from sync.protocol.problems import Problem

_SLUG_FORMS = ("slug", "slugs")


def parse_int(value: Any, field: str) -> int | None:
    """A whole number from a form or the command line; blank -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise InvalidInput(
        QT_TRANSLATE_NOOP("errors", "Enter a whole number (got “{got}”)."), field=field, got=text
    )


# Commas grouping thousands, as es-MX and English write them: 1,500 · 12,500.5 · 2,500,000
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_float(value: Any, field: str) -> float | None:
    """A finite number; blank -> None. Commas are read as people in Mexico write them:
    grouping thousands (1,500 is fifteen hundred, never 1.5), and otherwise a single
    comma as a decimal comma (19,43). Anything else with a comma (1.500,5) is refused
    rather than guessed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip()
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text) if "," not in text else math.nan
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Enter a number (got “{got}”)."),
            field=field,
            got=str(value).strip(),
        )
    return number


def parse_time(value: Any, field: str) -> datetime | None:
    """An aware UTC time from a datetime (naive: local time), ISO-8601 text (local time
    unless it has an offset or Z) or a date-time group (291730Z NOV 26); blank -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return to_utc(value)  # a naive one is local wall-clock time (gaps refused)
    text = str(value)
    try:
        return parse_iso(text, field=field)
    except InvalidInput as not_iso:
        try:
            return parse_dtg(text)
        except InvalidInput:
            raise not_iso from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _slug_list(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    out: list[str] = []
    for item in items:
        slug = str(item).strip()
        if slug and slug not in out:  # a name ticked or typed twice is meant once
            out.append(slug)
    return out


def _parse(f: Field, value: Any) -> Any:
    """Human input for one field -> the typed value its kind checks (None for blank)."""
    form = f.kind.form
    if form == "int":
        return parse_int(value, f.name)
    if form == "number":
        return parse_float(value, f.name)
    if form == "time":
        return parse_time(value, f.name)
    if form == "slugs":
        return _slug_list(value)
    if form == "bool" or form == "json":
        return value
    if _blank(value):
        return None
    if not isinstance(value, str):
        return value  # the definition says what is wrong with it
    # Long text keeps what was typed (line breaks, indentation); one-line values lose
    # the spaces around them, which nobody means to type.
    return value if getattr(f.kind, "long", False) else value.strip()


def _known(f: Field, value: Any, agencies: Collection[str] | None, entity: str) -> None:
    if agencies is None or f.kind.form not in _SLUG_FORMS or value is None:
        return
    for slug in value if isinstance(value, list) else [value]:
        if slug not in agencies:
            raise Problem("unknown_agency", f.name, entity, value=slug)


def check_field(entity: Entity | str, name: str, value: Any,
                agencies: Collection[str] | None = None) -> Any:
    """One field as typed -> its canonical value; raises InvalidInput naming the field."""
    e = ENTITIES[entity] if isinstance(entity, str) else entity
    f = e.fields.get(name)
    if f is None or f.stamped or not f.client:
        raise InvalidInput.of(Problem("unknown_field", name, e.name, name=name))
    typed = _parse(f, value)
    try:
        clean = e.check_value(name, typed)
        _known(f, clean, agencies, e.name)
    except Problem as p:
        raise InvalidInput.of(p.at(name, e.name)) from None
    return clean


def input_problems(
    entity: str,
    fields: Mapping[str, Any],
    *,
    creating: bool,
    agencies: Collection[str] | None = None,
    now: datetime | None = None,
) -> tuple[dict[str, Any], list[InvalidInput]]:
    """Every field checked (so a form can mark them all at once): the canonical values
    that passed and one InvalidInput per refusal. ``creating``: the fields make a new
    record, so the definition's defaults are added and its required fields and
    whole-record rules are checked. ``agencies``: known agency slugs, when the laptop
    has the list. Event times are checked against ``now`` (default: this clock)."""
    e = ENTITIES[entity]
    out: dict[str, Any] = {}
    problems: list[InvalidInput] = []
    for name, value in fields.items():
        try:
            out[name] = check_field(e, name, value, agencies)
        except InvalidInput as err:
            problems.append(err)
    failed = {p.field for p in problems}
    if creating:
        for name, f in e.fields.items():
            if name not in fields and f.client and not f.stamped and f.default is not None:
                out[name] = f.default
        missing = [n for n in e.missing_on_create(k for k, v in out.items() if v is not None)
                   if n not in failed]
        if missing:
            problems.append(InvalidInput.of(
                Problem("missing_on_create", missing[0], e.name, fields=missing)))
        if not problems:
            problems.extend(_refusal(lambda: e.check_record(out)))
    if not problems:
        problems.extend(_refusal(lambda: e.check_times(out, now or utcnow())))
    return out, problems


def check_input(
    entity: str,
    fields: Mapping[str, Any],
    *,
    creating: bool,
    agencies: Collection[str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Like `input_problems`, but raises the first refusal."""
    out, problems = input_problems(entity, fields, creating=creating, agencies=agencies, now=now)
    if problems:
        raise problems[0]
    return out


def _refusal(check: Any) -> list[InvalidInput]:
    try:
        check()
    except Problem as p:
        return [InvalidInput.of(p)]
    return []
