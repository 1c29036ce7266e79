"""Default MIL-STD-2525C symbol codes (SIDC) for units.

A 2525C SIDC has 15 characters::

    S F G P UCI--- -E MX -
    | | | | |      |  |  order of battle ('-': not given)
    | | | | |      |  country (MX)
    | | | | |      symbol modifier: HQ flag + echelon letter
    | | | | function id (6)
    | | | status (P: present)
    | | battle dimension (G ground, S sea surface, A air)
    | affiliation (F friend: every agency in a deployment is on our side)
    coding scheme (S warfighting)

Police and civil agencies have no warfighting function of their own in 2525C;
they use the law-enforcement branch (``UUL…``; ``UULC`` civilian police, drawn
with the civilian fill) so a map tells soldiers and police apart at a glance.
A user can always type another SIDC in the unit form; this is only the default.
"""

from __future__ import annotations

# Function ids (positions 5-10) and battle dimension per unit kind.
_KIND: dict[str, tuple[str, str]] = {
    "infantry": ("G", "UCI---"),
    "motorized": ("G", "UCIM--"),
    "armor": ("G", "UCA---"),
    "aviation": ("G", "UCV---"),
    "naval": ("S", "CL----"),
    "marines": ("G", "UCIN--"),
    "military_police": ("G", "UULM--"),
    "police": ("G", "UULC--"),
    "special_forces": ("F", "------"),
    "investigation": ("G", "UULD--"),
    "medical": ("G", "USM---"),
    "engineer": ("G", "UCE---"),
    "logistics": ("G", "USS---"),
    "signals": ("G", "UUS---"),
    "command": ("G", "U-----"),
    "civil_protection": ("G", "U-----"),
    "other": ("G", "U-----"),
}

# What a unit of kind "other" looks like, by agency kind.
_AGENCY_DEFAULT: dict[str, str] = {
    "military": "U-----",
    "federal": "UULC--",
    "state": "UULC--",
    "municipal": "UULC--",
    "civil": "U-----",
}

# Echelon letter (position 12).
ECHELON_CODES: dict[str, str] = {
    "team": "A",
    "squad": "B",
    "section": "C",
    "platoon": "D",
    "company": "E",
    "battalion": "F",
    "regiment": "G",
    "brigade": "H",
    "division": "I",
    "corps": "J",
    "none": "-",
}

COUNTRY = "MX"


def default_sidc(agency_kind: str | None, unit_kind: str | None, echelon: str | None) -> str:
    """The 15-character 2525C SIDC for a friendly unit of this kind and echelon.

    Unknown values fall back to a generic friendly ground unit rather than failing,
    so a newer vocabulary from the server never breaks the unit form.
    """
    dim, function = _KIND.get(unit_kind or "other", ("G", "U-----"))
    if unit_kind in (None, "other"):
        function = _AGENCY_DEFAULT.get(agency_kind or "", "U-----")
    hq = "A" if unit_kind == "command" else "-"
    ech = ECHELON_CODES.get(echelon or "none", "-")
    sidc = f"SF{dim}P{function}{hq}{ech}{COUNTRY}-"
    assert len(sidc) == 15, sidc
    return sidc
