"""Free text is isolated where it is shown (issue 9 item 9): a direction control in it can
neither reverse what follows nor be closed early by a stray isolate of its own."""

from __future__ import annotations

from fieldclient.core.bidi import FSI, PDI, isolate


def test_text_with_direction_controls_or_rtl_letters_is_wrapped_in_an_isolate() -> None:
    """Proves a right-to-left override is wrapped in FSI..PDI (its effect ends there), a
    stray isolate control inside is dropped so it cannot close the wrapper early, Arabic
    and Hebrew text is wrapped too, and plain text is left exactly as it is."""
    assert isolate("ALFA \u202e1-OCLAH") == FSI + "ALFA \u202e1-OCLAH" + PDI
    assert isolate("a\u2069\u202eb") == FSI + "a\u202eb" + PDI
    assert isolate("دورية ١") == FSI + "دورية ١" + PDI
    assert isolate("שלום") == FSI + "שלום" + PDI
    for plain in ("HALCÓN 1", "Bloqueo en la carretera 15", "", "Ñandú · 19°25'N"):
        assert isolate(plain) == plain
