"""Reports made from the local store: the operation report (SITREP) of issue 12.

`sitrep.py` assembles the data (no Qt), `tables.py` writes CSV and GeoJSON and every
file atomically (no Qt), `pdf.py` renders the PDF with Qt's PDF writer, `cli.py` is
`fieldclient report sitrep` and `ui/report_dialog.py` the window's menu item; both call
`tables.write_report`.
"""
