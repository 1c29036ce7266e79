"""Showing text people typed without letting it turn the text around it.

Unicode's bidirectional controls change the direction of what follows them: a
callsign holding U+202E (RIGHT-TO-LEFT OVERRIDE) shows reversed and can pass for
another unit, and one unit's notes could reverse the line after them. Identifiers
refuse such controls outright (`sync.protocol.fields.Text(identifier=True)`); free
text may rightly hold Arabic or Hebrew, so where it is shown it is *isolated*:
wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, the Unicode form of
HTML's `<bdi>` / `dir="auto"`. Whatever it holds then stays inside it: the text
around it is laid out as if it were not there, and its own direction comes from its
first strong letter. Isolate controls inside it are dropped (an unmatched one could
otherwise close the wrapper early); embeddings and overrides end at the wrapper's
end by the Unicode rules. Text with no right-to-left letters and no controls (almost
all of it) is returned unchanged.
"""

from __future__ import annotations

import re

FSI, PDI = "\u2068", "\u2069"
# Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, ...) and every explicit
# directional mark, embedding, override and isolate.
_BIDI = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ISOLATES = str.maketrans(dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069")))


def isolate(text: str) -> str:
    """`text` wrapped so its direction cannot leak into what is shown around it."""
    if not text or not _BIDI.search(text):
        return text
    return FSI + text.translate(_ISOLATES) + PDI
