"""What people see for the protocol's names, translated at the moment they are shown.

Vocabulary values, field names and entity names are declared once, with their
English labels, in `sync.protocol` (contexts "vocab", "fields", "entities"). The
roster, the map, the dialogs, the Sync and Conflicts panels all show them through
these functions, so one value reads the same everywhere and a language switch
relabels everything live. Stored values stay the wire codes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from fieldclient.core import vocab
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.ui import times
from sync.protocol import ENTITIES
from sync.protocol.entity import entity_label, field_label
from sync.protocol.fields import Bool, Choice, Slug, SlugList, Time

# Agency slug -> name, from the store's agency list (MainWindow keeps it current). People
# know agencies by name; the slug is an identifier and is shown only when no name is known.
_agency_names: dict[str, str] = {}
YES, NO = QT_TRANSLATE_NOOP("Labels", "Yes"), QT_TRANSLATE_NOOP("Labels", "No")


def _tr(context: str, source: str) -> str:
    return QCoreApplication.translate(context, source)


def label(code: str | None, group: str | None = None) -> str:
    """The user's-language name of a vocabulary value (the value itself if unknown).
    Without `group` the value is looked up in every vocabulary: a value found in
    several has the same label in each (tests/ui/test_labels.py checks it)."""
    if not code:
        return ""
    source = vocab.label(group, code) if group else vocab.any_label(code)
    return _tr(vocab.CONTEXT, source)


def labels_of(group: str) -> dict[str, str]:
    """Every value of a vocabulary with its user's-language label, in display order."""
    return {value: _tr(vocab.CONTEXT, source) for value, source in vocab.choices(group)}


def set_agency_names(names: dict[str, str]) -> None:
    global _agency_names
    _agency_names = dict(names)


def agency_name(slug: str | None) -> str:
    """The agency's name ("Guardia Nacional"); the slug itself when none is known."""
    if not slug:
        return ""
    return _agency_names.get(slug) or slug


def agency_names() -> dict[str, str]:
    return dict(_agency_names)


def readable_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """A refusal's parameters as people read them: a role by its label, an agency by its
    name (the templates of `sync.protocol.problems` take them as they come)."""
    shown = dict(params or {})
    if isinstance(shown.get("role"), str):
        shown["role"] = label(shown["role"], "role")
    if isinstance(shown.get("agency"), str):
        shown["agency"] = agency_name(shown["agency"])
    return shown


def severity_label(value: int) -> str:
    return label(str(value), "severity")


def entity_name(entity: str) -> str:
    """"Unit", "Position report"... for an entity name (the name itself if unknown)."""
    return _tr("entities", entity_label(entity))


def field_name(entity: str | None, field: str) -> str:
    """The label of one field of an entity ("Status", "Reports to"...)."""
    return _tr("fields", field_label(entity, field))


def in_field_order(entity: str, names: list[str]) -> list[str]:
    """Field names in the order the entity declares them (unknown names last)."""
    spec = ENTITIES.get(entity)
    order = {name: i for i, name in enumerate(spec.fields)} if spec is not None else {}
    return sorted(names, key=lambda n: order.get(n, len(order)))


def field_value(entity: str | None, field: str, value: Any) -> str:
    """A stored value of a field as people read it: vocabulary values by their label,
    severities by their name, lists joined; "—" for no value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(field_value(entity, field, v) for v in value) or "—"
    spec = ENTITIES.get(entity or "")
    kind = spec.fields[field].kind if spec is not None and field in spec.fields else None
    if isinstance(kind, Choice):
        return label(str(value), kind.vocab.name)
    if isinstance(kind, Slug | SlugList):
        return agency_name(str(value))
    if isinstance(kind, Bool) and isinstance(value, bool):
        return _tr("Labels", YES if value else NO)
    if isinstance(kind, Time) and isinstance(value, str):
        try:
            return times.when(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    if field == "severity" and isinstance(value, int):
        return severity_label(value)
    return str(value)


def dtg(when: datetime | None) -> str:
    """Date-time group (291730Z NOV 26) in the current language, for tooltips."""
    return times.dtg_text(when)
