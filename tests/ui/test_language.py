"""Switching language retranslates the open window live, without a restart."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fieldclient.ui.roster_model import COL_CALLSIGN, COL_STRENGTH


def test_switch_language_shows_spanish_labels(qtbot, window, translations):  # type: ignore[no-untyped-def]
    """Choosing Español in the toolbar relabels actions, docks, roster headers and panels; English comes back."""
    tb = window.toolbar
    assert tb.act_new_unit.text() == "New unit"
    tb.lang_combo.setCurrentIndex(tb.lang_combo.findData("es"))
    assert translations.lang == "es"
    header = window.model.headerData(COL_CALLSIGN, Qt.Orientation.Horizontal)
    assert tb.act_new_unit.text() == "Nueva unidad"
    assert tb.act_log_position.text() == "Registrar posición"
    assert window.incident_dock.windowTitle() == "Bitácora de incidentes"
    assert header == "Indicativo"
    assert window.model.headerData(COL_STRENGTH, Qt.Orientation.Horizontal) == "Efectivos"
    assert window.welcome.demo_button.text() == "Cargar el despliegue de demostración"
    assert window.incidents.add_button.text() == "Agregar anotación"
    assert window.status.connection_label.text().endswith("Sesión no iniciada")
    assert window.status.waiting_label.text().endswith("Todo confirmado")
    assert window.settings.value("view/language") == "es"  # remembered for the next start
    tb.lang_combo.setCurrentIndex(tb.lang_combo.findData("en"))
    assert tb.act_new_unit.text() == "New unit"
    assert window.model.headerData(COL_CALLSIGN, Qt.Orientation.Horizontal) == "Callsign"


def test_open_dialog_follows_the_language(qtbot, window):  # type: ignore[no-untyped-def]
    """A dialog already open when the language changes is relabelled too."""
    dlg = window.new_unit()
    assert dlg.windowTitle() == "New unit"
    window.set_language("es")
    assert dlg.windowTitle() == "Nueva unidad"
    assert dlg._labels["callsign"].text() == "Indicativo *"
    dlg.reject()
    fresh = window.new_unit()  # Qt's own strings come from its qtbase catalogue
    from PySide6.QtWidgets import QDialogButtonBox

    cancel = fresh.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Cancelar"
    fresh.reject()
