"""Display names of the protocol's vocabulary, translated at the moment they are shown.

The English source labels live in `fieldclient.core.vocab` (context "vocab");
stored values stay the wire codes, so a language switch relabels everything live.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QLocale

from fieldclient.core import timefmt, vocab

# Codes are unique across groups except "other", whose label is the same everywhere.
_FLAT: dict[str, str] = {}
for _values, _labels in vocab.GROUPS.values():
    for _code, _source in _labels.items():
        _FLAT.setdefault(_code, _source)


def label(code: str | None, group: str | None = None) -> str:
    """The user's-language name of a vocabulary code (the code itself if unknown)."""
    if not code:
        return ""
    source = vocab.label(group, code) if group else _FLAT.get(code, code)
    return QCoreApplication.translate(vocab.CONTEXT, source)


def dtg(when: datetime | None) -> str:
    """Date-time group (291730Z NOV 26) in the current language, for tooltips."""
    if when is None:
        return ""
    lang = "es" if QLocale().language() == QLocale.Language.Spanish else "en"
    return timefmt.format_dtg(when, lang)


def severity_label(value: int) -> str:
    source = vocab.SEVERITY_LABELS.get(value, str(value))
    return QCoreApplication.translate(vocab.CONTEXT, source)
