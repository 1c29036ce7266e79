"""Reading and writing coordinates: decimal degrees (DD), DMS and MGRS.

Liaison officers type positions heard over the radio or read off a GPS, so the
parsers accept the common ways of writing each format and refuse anything they
cannot read unambiguously, with a message that says exactly what is wrong.
Every error is an ``InvalidInput`` whose ``template`` is marked for translation
in the context ``"errors"`` and whose ``field`` is ``"lat"``/``"lon"`` for a
value out of range or ``"coordinates"`` for text that cannot be read.

Accepted input (case-insensitive, hemisphere letters N/S/E/W, and O for the
Spanish *oeste*; also the words norte/sur/este/oeste/north/south/east/west):

- DD: ``19.4283, -99.1333`` · ``19.4283 -99.1333`` · ``19.4283N 99.1333W`` ·
  ``19,4283; -99,1333`` (decimal commas when nothing else separates the numbers)
- DMS: ``19°25'42.1"N 99°07'59.9"W`` · ``19 25 42.1 N, 99 7 59.9 W`` ·
  ``N19 25 42.1 W99 7 59.9`` · ``19 25.7 N 99 8 W`` (degrees and decimal minutes) ·
  ``19 25 42.1 -99 7 59.9`` (signs instead of letters)
- MGRS: ``14QMG8600648224`` · ``14Q MG 86006 48224``; 2 to 10 digits, UTM zones
  1-60 with bands C-X and the polar UPS forms (A, B, Y, Z).
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Literal

import mgrs as mgrs_lib

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from sync.protocol.problems import Problem
from sync.protocol.roster import POSITION

CoordFormat = Literal["dd", "dms", "mgrs"]
FORMATS: tuple[str, ...] = ("dd", "dms", "mgrs")
FIELD = "coordinates"

BANDS = "CDEFGHJKLMNPQRSTUVWX"  # 8° each from 80°S; X spans 72°N-84°N
_COLUMN_LETTERS = set("ABCDEFGHJKLMNPQRSTUVWXYZ")
_ROW_LETTERS = set("ABCDEFGHJKLMNPQRSTUV")
_MGRS_UTM = re.compile(r"^(\d{1,2})([A-Z])([A-Z])([A-Z])(\d*)$")
_MGRS_UPS = re.compile(r"^([ABYZ])([A-Z])([A-Z])(\d*)$")
_converter = mgrs_lib.MGRS()


def _num(value: float) -> str:
    """A number as people write it in a message: 95, 95.5, -100.25."""
    return f"{value:.6f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)


# -- range checks ---------------------------------------------------------------


def check_lat(lat: float, field: str = "lat") -> float:
    """``lat`` as float, or InvalidInput saying why (the position definition's range)."""
    return _in_range("lat", lat, field)


def check_lon(lon: float, field: str = "lon") -> float:
    """``lon`` as float, or InvalidInput saying why (the position definition's range)."""
    return _in_range("lon", lon, field)


def _in_range(name: str, value: float, field: str) -> float:
    try:
        return float(POSITION.check_value(name, value))
    except Problem as p:
        raise InvalidInput.of(Problem(p.code, field, "position", **p.params)) from None


# -- DD and DMS -----------------------------------------------------------------

_WORDS = [
    (re.compile(r"\bOESTE\b"), " O "),
    (re.compile(r"\bESTE\b"), " E "),
    (re.compile(r"\bNORTE\b"), " N "),
    (re.compile(r"\bSUR\b"), " S "),
    (re.compile(r"\bNORTH\b"), " N "),
    (re.compile(r"\bSOUTH\b"), " S "),
    (re.compile(r"\bEAST\b"), " E "),
    (re.compile(r"\bWEST\b"), " W "),
]
_SYMBOLS = str.maketrans(
    {
        "°": " ", "º": " ", "˚": " ", "′": " ", "'": " ", "’": " ", "‘": " ", "´": " ",
        "`": " ", "″": " ", '"': " ", "”": " ", "“": " ", ";": " ", "/": " ", "\t": " ",
        "−": "-", "–": "-",
    }
)
_TOKEN = re.compile(r"[+-]?\d+(?:\.\d+)?|[NSEWO]")


def _unreadable(text: str, fmt: str) -> InvalidInput:
    if fmt == "dd":
        return InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors",
                "Could not read “{text}” as decimal degrees; write latitude and longitude, "
                "for example 19.4283, -99.1333.",
            ),
            field=FIELD,
            text=text.strip(),
        )
    return InvalidInput(
        QT_TRANSLATE_NOOP(
            "errors",
            "Could not read “{text}” as degrees, minutes and seconds; write for example "
            "19°25'42.1\"N 99°07'59.9\"W.",
        ),
        field=FIELD,
        text=text.strip(),
    )


def _tokens(text: str, fmt: str) -> list[str]:
    s = text.upper()
    for pattern, repl in _WORDS:
        s = pattern.sub(repl, s)
    s = s.translate(_SYMBOLS)
    if "." in s:
        s = s.replace(",", " ")
    elif s.count(",") == 1:
        s = s.replace(",", " ")
    else:
        # Decimal commas (19,4283, -99,1333): a comma between digits is a decimal point.
        s = re.sub(r"(\d),(\d)", r"\1.\2", s).replace(",", " ")
    # DMS letters glued to numbers (42.1N, 25M, 42S) are split apart; D/M/S unit letters
    # after a number are ignored as separators, but a hemisphere S must stay.
    s = re.sub(r"(\d)\s*[DM](?![A-Z])", r"\1 ", s)
    s = re.sub(r"(\d)\s*S(?=\s*[NSEWO](?![A-Z]))", r"\1 ", s)
    tokens = _TOKEN.findall(s)
    leftover = _TOKEN.sub(" ", s).strip()
    if leftover or not tokens:
        raise _unreadable(text, fmt)
    return tokens


def _angle(parts: list[str], text: str, fmt: str, axis: str) -> float:
    """Combine degrees [minutes [seconds]] tokens into decimal degrees (unsigned)."""
    values = [float(p) for p in parts]
    if any(v < 0 for v in values[1:]) or any(p[0] in "+-" for p in parts[1:]):
        raise _unreadable(text, fmt)
    for i, v in enumerate(values[:-1]):
        if v != int(v) or "." in parts[i]:
            raise InvalidInput(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "Only the last of degrees, minutes and seconds may have decimals (in “{text}”).",
                ),
                field=FIELD,
                text=text.strip(),
            )
    if len(values) >= 2 and values[1] >= 60:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Minutes must be less than 60 (got {got})."),
            field=axis,
            got=_num(values[1]),
        )
    if len(values) == 3 and values[2] >= 60:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Seconds must be less than 60 (got {got})."),
            field=axis,
            got=_num(values[2]),
        )
    deg = abs(values[0])
    minutes = values[1] if len(values) >= 2 else 0.0
    seconds = values[2] if len(values) == 3 else 0.0
    return deg + minutes / 60 + seconds / 3600


def _parse_angles(text: str, fmt: str, max_parts: int) -> tuple[float, float]:
    tokens = _tokens(text, fmt)
    letters = [t for t in tokens if t.isalpha()]
    groups: list[tuple[list[str], str | None]] = []
    if letters:
        if len(letters) != 2:
            raise _unreadable(text, fmt)
        if tokens[0].isalpha():  # N19 25 42 W99 7 59
            if tokens[-1].isalpha():
                raise _unreadable(text, fmt)
            split = tokens.index(letters[1], 1)
            groups = [(tokens[1:split], tokens[0]), (tokens[split + 1 :], letters[1])]
        else:  # 19 25 42 N 99 7 59 W
            if not tokens[-1].isalpha():
                raise _unreadable(text, fmt)
            split = tokens.index(letters[0])
            groups = [(tokens[:split], letters[0]), (tokens[split + 1 : -1], letters[1])]
    else:
        if len(tokens) % 2:
            raise _unreadable(text, fmt)
        half = len(tokens) // 2
        groups = [(tokens[:half], None), (tokens[half:], None)]
    lat: float | None = None
    lon: float | None = None
    for parts, letter in groups:
        if not 1 <= len(parts) <= max_parts or any(p.isalpha() for p in parts):
            raise _unreadable(text, fmt)
        if letter is not None and parts[0][0] in "+-":
            raise InvalidInput(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "Use either a minus sign or a hemisphere letter, not both (in “{text}”).",
                ),
                field=FIELD,
                text=text.strip(),
            )
        is_lat = letter in ("N", "S") if letter else lat is None
        axis = "lat" if is_lat else "lon"
        value = _angle(parts, text, fmt, axis)
        negative = parts[0].startswith("-") or letter in ("S", "W", "O")
        value = -value if negative else value
        if is_lat:
            if lat is not None:
                raise _unreadable(text, fmt)
            lat = value
        else:
            if lon is not None:
                raise _unreadable(text, fmt)
            lon = value
    if lat is None or lon is None:
        raise _unreadable(text, fmt)
    return check_lat(lat), check_lon(lon)


def parse_dd(text: str) -> tuple[float, float]:
    """Decimal degrees "lat, lon" (signs or hemisphere letters) -> (lat, lon)."""
    return _parse_angles(text, "dd", 1)


def parse_dms(text: str) -> tuple[float, float]:
    """Degrees/minutes/seconds in the forms listed in the module docstring -> (lat, lon).
    Degrees alone or degrees and decimal minutes are accepted too."""
    return _parse_angles(text, "dms", 3)


# -- MGRS -----------------------------------------------------------------------


def _band_range(band: str) -> tuple[float, float]:
    i = BANDS.index(band)
    lo = -80 + 8 * i
    return lo, (84.0 if band == "X" else lo + 8.0)


def parse_mgrs(text: str) -> tuple[float, float]:
    """An MGRS reference (spaces allowed) -> (lat, lon) of the centre of the square it
    names (`locate` also gives its size): a 10 km reference is a 10 km square, and its
    south-west corner would put the unit up to 14 km from where it is. Malformed
    strings, a zone outside 1-60, an invalid band or 100 km square, an odd or
    out-of-range digit count and a reference whose band does not match its position are
    all refused."""
    lat, lon, _ = _square(text)
    return lat, lon


def _square(text: str) -> tuple[float, float, float]:
    raw = text.strip()
    s = re.sub(r"\s+", "", raw.upper())
    if not s:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Enter an MGRS reference."), field=FIELD)
    m = _MGRS_UTM.match(s)
    ups = None if m else _MGRS_UPS.match(s)
    if not m and not ups:
        raise InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors",
                "“{text}” is not an MGRS reference; write zone, band, 100 km square and "
                "digits, for example 14Q MG 86006 48224.",
            ),
            field=FIELD,
            text=raw,
        )
    if m:
        digits = m.group(5)
    else:
        assert ups is not None
        digits = ups.group(4)
    if m:
        zone, band, col, row = int(m.group(1)), m.group(2), m.group(3), m.group(4)
        if not 1 <= zone <= 60:
            raise InvalidInput(
                QT_TRANSLATE_NOOP("errors", "The MGRS zone must be between 1 and 60 (got {got})."),
                field=FIELD,
                got=m.group(1),
            )
        if band not in BANDS:
            raise InvalidInput(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "The MGRS latitude band must be a letter from C to X other than I and O "
                    "(got {got}).",
                ),
                field=FIELD,
                got=band,
            )
        if col not in _COLUMN_LETTERS or row not in _ROW_LETTERS:
            raise InvalidInput(
                QT_TRANSLATE_NOOP("errors", "The MGRS 100 km square {got} does not exist."),
                field=FIELD,
                got=col + row,
            )
    if len(digits) % 2 or not 2 <= len(digits) <= 10:
        raise InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors",
                "An MGRS reference needs an even number of digits, from 2 to 10 (got {count}).",
            ),
            field=FIELD,
            count=len(digits),
        )
    size = 10.0 ** (5 - len(digits) // 2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # GeoTrans decodes a reference to the centre of its square (checked by the tests)
            lat, lon = _converter.toLatLon(s)
    except Exception:  # the C library raises its own error type for any bad reference
        raise _no_such_place(raw) from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise _no_such_place(raw)
    if m:
        # The library decodes a wrong band without complaint; a reference whose point lies
        # outside its own band or zone is a typo, not a place.
        precision_deg = 10 ** (5 - len(digits) // 2) / 111_000 * 1.5 + 1e-6
        lo, hi = _band_range(band)
        if not lo - precision_deg <= lat <= hi + precision_deg:
            raise _no_such_place(raw)
        special = 56 <= lat < 64 or lat >= 72  # Norway and Svalbard zone exceptions
        meridian = zone * 6 - 183
        delta = (lon - meridian + 180) % 360 - 180
        if not special and abs(delta) > 3 + 1.0:
            raise _no_such_place(raw)
    return check_lat(lat), check_lon(lon), size


def _no_such_place(text: str) -> InvalidInput:
    return InvalidInput(
        QT_TRANSLATE_NOOP(
            "errors",
            "The MGRS reference {text} does not exist (check the zone, band and letters).",
        ),
        field=FIELD,
        text=text,
    )


# -- dispatch and formatting ----------------------------------------------------


def parse_coord(text: str, fmt: str) -> tuple[float, float]:
    """Parse ``text`` in format ``fmt`` ("dd", "dms" or "mgrs") -> (lat, lon)."""
    if fmt == "dd":
        return parse_dd(text)
    if fmt == "dms":
        return parse_dms(text)
    if fmt == "mgrs":
        return parse_mgrs(text)
    raise ValueError(f"unknown coordinate format {fmt!r}")


def locate(text: str, fmt: str) -> tuple[float, float, float | None]:
    """Like `parse_coord`, with how precise the reference itself is: for MGRS the size of
    its square in metres (what `accuracy_m` should say at least), else None."""
    if fmt == "mgrs":
        return _square(text)
    lat, lon = parse_coord(text, fmt)
    return lat, lon, None


def accuracy_for(given: float | None, reference_m: float | None) -> float | None:
    """The accuracy to store: never better than the reference itself carries (a 1 km MGRS
    square is 1 km whatever was typed), else what the person gave."""
    if reference_m is None:
        return given
    return max(given or 0.0, reference_m)


def format_dd(lat: float, lon: float, decimals: int = 5) -> str:
    """``19.42836, -99.13328`` (5 decimals is about 1 m)."""
    return f"{lat:.{decimals}f}, {lon:.{decimals}f}"


def _dms_part(value: float, pos: str, neg: str, width: int, decimals: int) -> str:
    scale = 10**decimals
    total = round(abs(value) * 3600 * scale)  # whole units of the last digit: no 60.0"
    deg, rest = divmod(total, 3600 * scale)
    minutes, sec_units = divmod(rest, 60 * scale)
    sec = f"{sec_units / scale:0{3 + decimals if decimals else 2}.{decimals}f}"
    hemi = neg if value < 0 and total else pos
    return f"{deg:0{width}d}°{minutes:02d}'{sec}\"{hemi}"


def format_dms(lat: float, lon: float, decimals: int = 1, lang: str = "en") -> str:
    """``19°25'42.1"N 99°07'59.9"W``; with ``lang="es"`` west is written O (oeste)."""
    west = "O" if lang.startswith("es") else "W"
    return f"{_dms_part(lat, 'N', 'S', 1, decimals)} {_dms_part(lon, 'E', west, 1, decimals)}"


def format_mgrs(lat: float, lon: float, digits: int = 10, spaced: bool = True) -> str:
    """``14Q MG 86006 48224`` (10 digits = 1 m); ``spaced=False`` gives ``14QMG8600648224``."""
    if digits % 2 or not 2 <= digits <= 10:
        raise ValueError("digits must be even, 2..10")
    check_lat(lat)
    check_lon(lon)
    if -1e-7 < lat < 0:
        # A hair south of the equator encodes as northing 10,000,000 ("…00000" in band M),
        # which the decoder refuses; 1 cm north of it is the same place for any user.
        lat = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = _converter.toMGRS(lat, lon, MGRSPrecision=digits // 2)
    if isinstance(ref, bytes):
        ref = ref.decode("ascii")
    if not spaced:
        return ref
    half = digits // 2
    nums = ref[-digits:]
    head = ref[:-digits]
    zone_band, square = head[:-2], head[-2:]
    return f"{zone_band} {square} {nums[:half]} {nums[half:]}"


def format_coord(lat: float, lon: float, fmt: str, lang: str = "en") -> str:
    """Format for display and "copy coordinates": fmt is "dd", "dms" or "mgrs"."""
    if fmt == "dd":
        return format_dd(lat, lon)
    if fmt == "dms":
        return format_dms(lat, lon, lang=lang)
    if fmt == "mgrs":
        return format_mgrs(lat, lon)
    raise ValueError(f"unknown coordinate format {fmt!r}")
