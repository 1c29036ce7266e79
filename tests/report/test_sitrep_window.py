"""The window's "Operation report (SITREP)…" (File menu) on the demo deployment: the
dialog offers the toolbar's chosen operation, writes the report through the same code as
the command line, in the window's language, and says where it went and that it is not
encrypted."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def test_the_menu_item_writes_the_sitrep_of_the_chosen_operation(  # type: ignore[no-untyped-def]
        qtbot, demo_store, translations, monkeypatch, sync_tasks, tmp_path):
    """Proves the File menu holds the SITREP item, its dialog defaults to the operation
    chosen in the toolbar, OK writes a PDF listing the demo operation's units, incidents
    and hand-overs and tells the user where it went and that it is not encrypted; after a
    switch to Spanish the menu item and the next PDF are in Spanish."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMessageBox

    from fieldclient.store import operations
    from fieldclient.ui.main_window import MainWindow

    monkeypatch.setenv("ENLACE_NO_MAP", "1")
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _parent, _title, text: said.append(text))
    w = MainWindow(demo_store, translations)
    qtbot.addWidget(w)
    w.show()
    with demo_store.session() as s:  # type: ignore[attr-defined]
        op = operations.by_code(s, "OP-JAL-01").id
    w.choose_operation(op)
    act = w.findChild(QAction, "menuSitrep")
    assert act is not None and act in w.menus.file_menu.actions()
    assert act.text() == "Operation report (SITREP)…"

    dialog: Any = w.report.open()
    assert dialog.operation.currentData() == op
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    target = tmp_path / "sitrep.pdf"
    dialog.file.setText(str(target))
    dialog.accept()
    assert said and str(target) in said[-1] and "NOT encrypted" in said[-1]
    text = _text(target)
    for words in ("OP-JAL-01", "Operativo Guadalajara Segura", "ESCUDO 1-1", "TAPATIO 1-1",
                  "Bloqueo con vehículos incendiados", "Cruce Av. López Mateos", "OVERDUE",
                  "OUTSIDE JURISDICTION"):  # the demo's Guadalajara patrol in Tlajomulco
        assert words in text, words

    translations.install("es")
    assert act.text() == "Parte de situación de la operación (SITREP)…"
    dialog = w.report.open()
    dialog.file.setText(str(tmp_path / "parte.pdf"))
    dialog.accept()
    assert "NO está cifrado" in said[-1]
    assert "Unidades asignadas (7)" in _text(tmp_path / "parte.pdf")
    w.close()
