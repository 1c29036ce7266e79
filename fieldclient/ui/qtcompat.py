"""Work around PySide6 6.12.0 dropping references to None/True/False on CPython 3.11.

Measured here: with PySide6 6.12.0 on Python 3.11, each call that returns None
to or from Qt (QWidget.repaint(), processEvents(), a model's data() returning
None...) decrements None's reference count without having incremented it.
Python 3.12+ made None immortal (PEP 683), so there it is harmless; on 3.11 the
count reaches zero after some thousands of calls and the process aborts with
"Fatal Python error: none_dealloc". The same was seen for the booleans
("bool_dealloc", at interpreter shutdown). PySide6 6.11.3 does not do this.

Until the dependency is moved (Python 3.12+, or another PySide6), give None a
reference count no leak can exhaust (and True and False too), which is exactly
what 3.12 does for them. Runs at import, under the GIL, once per process.
"""

from __future__ import annotations

import ctypes
import sys

# 2**60 references: at a million leaked references per second, 36,000 years.
_BALLAST = 1 << 60


def make_none_immortal() -> bool:
    """Return True when the work-around was applied (only needed before 3.12)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for singleton in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(singleton))
        if refcnt.value < _BALLAST:
            refcnt.value += _BALLAST
    return True


make_none_immortal()
