"""Translation marker for strings defined in the protocol (labels, problem templates).

`sync` may not import Qt, but field labels, vocabulary labels and the templates of
problem messages are shown to people by the client. ``QT_TRANSLATE_NOOP`` marks a
string for extraction (pyside6-lupdate recognises the name) and returns it unchanged;
the client translates it with ``QCoreApplication.translate(context, text)``.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate recognises
    """Mark ``text`` for translation in ``context``; returns ``text`` unchanged."""
    return text
