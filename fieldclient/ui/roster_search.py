"""What the roster's text filter matches, the way people type: accents and case ignored,
over the callsign, the unit's name, its agency (slug and name) and the kind and status
(codes and the labels in the user's language). "policía", "halcón", "Guardia Nacional",
"marina" and "en operación" find what they say.

At 100,000 units the filter is one pass over precomputed keys (milliseconds). Each row
has a short key of its own (callsign and name), and a number naming its (agency, kind,
status) combination; the long texts of a combination - agency name, labels - are
matched once per combination (a few hundred at most), so a row's key stays as short as
before and the pass costs no more. No Qt here: the labels come in as plain dicts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

Row = tuple[Any, ...]
Combo = tuple[str | None, str | None, str | None]  # agency, kind, status codes
SEP = "\x00"  # never typed, so a needle never matches across two fields


def fold(text: str | None) -> str:
    """Lower case without accents ("Policía" -> "policia", "HALCÓN" -> "halcon")."""
    if not text:
        return ""
    if text.isascii():  # most callsigns and names: no decomposition needed
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class SearchIndex:
    """Search keys of every roster row, kept in step with the rows."""

    def __init__(self, combo_text: Callable[[Combo], str]) -> None:
        # combo_text: the words of an (agency, kind, status) combination, before folding
        self._combo_text = combo_text
        self.own: list[str] = []
        self.combo_of: list[int] = []
        self._combos: dict[Combo, int] = {}
        self._combo_keys: list[str] = []

    @staticmethod
    def own_key(row: Row, callsign: int, name: int) -> str:
        return f"{fold(row[callsign])}{SEP}{fold(row[name])}"

    def combo_id(self, combo: Combo) -> int:
        at = self._combos.get(combo)
        if at is None:
            at = self._combos[combo] = len(self._combo_keys)
            self._combo_keys.append(fold(self._combo_text(combo)))
        return at

    def build(self, rows: Sequence[Row], fields: tuple[int, int, int, int, int]) -> None:
        """Keys for every row; `fields`: indices of callsign, name, agency, kind, status."""
        cs, nm, ag, kd, st = fields
        combo_id = self.combo_id
        self.own = [f"{fold(r[cs])}{SEP}{fold(r[nm])}" for r in rows]
        self.combo_of = [combo_id((r[ag], r[kd], r[st])) for r in rows]

    def set_row(self, at: int, row: Row, fields: tuple[int, int, int, int, int]) -> None:
        """Key of row `at` after an edit, or of a new row appended at the end."""
        cs, nm, ag, kd, st = fields
        own = f"{fold(row[cs])}{SEP}{fold(row[nm])}"
        combo = self.combo_id((row[ag], row[kd], row[st]))
        if at == len(self.own):
            self.own.append(own)
            self.combo_of.append(combo)
        else:
            self.own[at] = own
            self.combo_of[at] = combo

    def relabel(self, combo_text: Callable[[Combo], str]) -> None:
        """New words for the combinations (language switch, agency renamed): the rows'
        own keys stay; only the few combination keys are rebuilt."""
        self._combo_text = combo_text
        self._combo_keys = [fold(combo_text(c)) for c in self._combos]

    def matching(self, order: list[int], text: str) -> list[int]:
        """The rows of `order` (indices) whose key contains `text`, in the same order."""
        needle = fold(text.strip())
        if not needle:
            return order
        own = self.own
        hits = {i for i, key in enumerate(self._combo_keys) if needle in key}
        if not hits:
            return [i for i in order if needle in own[i]]
        combo_of = self.combo_of
        return [i for i in order if combo_of[i] in hits or needle in own[i]]
