"""Translation marker usable outside Qt code.

Core, store and CLI modules may not import Qt, but their user-visible strings still
need to reach pyside6-lupdate. ``QT_TRANSLATE_NOOP`` marks a string for extraction
(lupdate recognises the name) and returns it unchanged; the UI later translates it
with ``QCoreApplication.translate(context, text)``.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - name lupdate recognises
    """Mark ``text`` for translation in ``context``; returns ``text`` unchanged."""
    return text
