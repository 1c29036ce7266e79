"""The map names statuses and kinds with the protocol's vocabulary, like every other panel."""

from __future__ import annotations

from fieldclient.core import vocab
from fieldclient.ui.i18n import Translations
from fieldclient.ui.labels import labels_of

HOVER = """(function () {
  var label = Array.from(document.querySelectorAll('.enl-label'))
      .filter(function (l) { return l.textContent === 'UNIT-0'; })[0];
  if (!label) return null;
  label.parentNode.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
  return document.querySelector('.enl-info').textContent;
})()"""


def test_map_labels_cover_every_value_in_the_shared_words(make_view, units, writer, js, qtbot) -> None:
    """Every unit status (retired too), incident status (voided too) and incident kind has a
    label on the map, the text the roster shows; the hover box of an engaged unit says
    "En operación" in Spanish, the term used everywhere else."""
    writer.update_unit(units[0], {"status": "engaged"})
    t = Translations()
    try:
        t.install("es")
        view = make_view()
        sent = view._labels()  # what the page is given in its config
        assert set(sent["status"]) == set(vocab.values("unit_status"))
        assert set(sent["incidentStatus"]) == set(vocab.values("incident_status"))
        assert set(sent["incidentKind"]) == set(vocab.values("incident_kind"))
        assert sent["status"] == labels_of("unit_status")
        assert (sent["status"]["engaged"], sent["status"]["returning"]) == ("En operación",
                                                                            "De regreso")
        assert sent["incidentStatus"]["contained"] == "Controlado"
        # Zoomed in past clustering; the jump is repeated while polling because the cluster
        # layer ignores moves made during its own zoom animation (real page rendering).
        show = "EnlaceMap.map().setView([19.0, -103.0], 15, {animate: false}), " + HOVER
        qtbot.waitUntil(lambda: js(view, show) is not None, timeout=10_000)
        assert "En operación" in js(view, HOVER)
    finally:
        t.install("en")
