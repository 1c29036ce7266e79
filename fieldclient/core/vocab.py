"""The controlled vocabularies as the client reads them: a thin accessor over
`sync.protocol.vocab`, where every vocabulary is declared once with its values and
English labels (translation context "vocab").

Stored and wire values are English identifiers (``out_of_service``); people see
labels. The UI shows ``QCoreApplication.translate("vocab", label(group, value))``;
headless code (CLI, export) uses the English label or the raw value. Groups are
named as in the protocol: ``unit_kind``, ``unit_status``, ``echelon``,
``position_source``, ``incident_kind``, ``incident_status``, ``entry_kind``,
``agency_kind``, ``visibility``, ``severity`` (its values are the text form of
1-5), ``role``, ``conflict_status``, ``conflict_resolution``.
"""

from __future__ import annotations

from sync.protocol.vocab import VOCABS

CONTEXT = "vocab"

# group name -> (allowed values in display order, value -> English label)
GROUPS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    name: (v.values, dict(v.labels)) for name, v in VOCABS.items()
}

# value -> English label over every group; a value in several groups (e.g. "open",
# "other") has the same label in each (tests/ui/test_labels.py checks it).
_ANY: dict[str, str] = {}
for _v in VOCABS.values():
    for _value, _label in _v.labels.items():
        _ANY.setdefault(_value, _label)


def label(group: str, value: str | None) -> str:
    """English source label of ``value`` in ``group`` (translate with context "vocab").

    Unknown values (e.g. from a newer server) come back unchanged rather than failing.
    """
    return VOCABS[group].label(value)


def any_label(value: str) -> str:
    """English label of ``value`` in whichever vocabulary has it (the value if none)."""
    return _ANY.get(value, value)


def choices(group: str) -> list[tuple[str, str]]:
    """(value, English source label) pairs in display order, for combo boxes."""
    return VOCABS[group].choices()


def values(group: str) -> tuple[str, ...]:
    """The allowed stored values of ``group``."""
    return VOCABS[group].values
