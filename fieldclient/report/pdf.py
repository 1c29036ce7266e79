"""The SITREP as a PDF, with Qt's own PDF writer: a QTextDocument (HTML, every record text
escaped) printed on a QPdfWriter, with a map image drawn by QPainter from the report's
data (the operation's area, the zones it touches, the units' last positions and the
incidents) - no web view, so it is fast and the same every time.

Text is in the report's language (es-MX or English) through the same catalogues as the
command line (`core.i18n.translate`), so the window and `fieldclient report` give the
same PDF. Works without a display: a command-line run starts an offscreen
QGuiApplication of its own.
"""

from __future__ import annotations

import colorsys
import hashlib
import os
from datetime import datetime
from functools import partial
from html import escape

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPolygonF,
    QTextDocument,
)

from fieldclient.core.custody import elapsed_text
from fieldclient.core.i18n import QT_TRANSLATE_NOOP, translate
from fieldclient.core.vocab import label
from fieldclient.report.sitrep import Sitrep
from sync.protocol.entity import field_label

MAP_W, MAP_H = 1200, 760  # pixels of the map image
MAP_URL = QUrl("sitrep:map.png")
MAX_LABELS = 80  # more units than this: dots without callsigns, or the map is unreadable
_app: QGuiApplication | None = None  # (a QApplication)

L = {
    "title": QT_TRANSLATE_NOOP("report", "Operation report (SITREP)"),
    "at": QT_TRANSLATE_NOOP("report", "Situation at"),
    "made": QT_TRANSLATE_NOOP("report", "Made at"),
    "times": QT_TRANSLATE_NOOP("report", "Times are local ({offset})."),
    "status": QT_TRANSLATE_NOOP("report", "Status"),
    "period": QT_TRANSLATE_NOOP("report", "Period"),
    "open_end": QT_TRANSLATE_NOOP("report", "open-ended"),
    "map": QT_TRANSLATE_NOOP("report", "Map"),
    "legend": QT_TRANSLATE_NOOP(
        "report", "Operation area: dashed red line. Zones and units in the colour of their "
        "agency; a unit with a red ring is outside its jurisdiction; triangles are incidents "
        "(grey: closed)."),
    "units": QT_TRANSLATE_NOOP("report", "Assigned units ({n})"),
    "callsign": QT_TRANSLATE_NOOP("report", "Unit"),
    "commanding": QT_TRANSLATE_NOOP("report", "Commanded by"),
    "position": QT_TRANSLATE_NOOP("report", "Last position (lat, lon / MGRS)"),
    "observed": QT_TRANSLATE_NOOP("report", "Observed"),
    "outside": QT_TRANSLATE_NOOP("report", "OUTSIDE JURISDICTION"),
    "no_position": QT_TRANSLATE_NOOP("report", "no position by this time"),
    "belongs": QT_TRANSLATE_NOOP("report", "belongs, not assigned"),
    "incidents": QT_TRANSLATE_NOOP("report", "Incidents: {opened} opened, {closed} closed"),
    "opened_at": QT_TRANSLATE_NOOP("report", "Opened"),
    "title_col": QT_TRANSLATE_NOOP("report", "Incident"),
    "severity": QT_TRANSLATE_NOOP("report", "Sev."),
    "closed_at": QT_TRANSLATE_NOOP("report", "Closed"),
    "zones": QT_TRANSLATE_NOOP("report", "Zone / territory"),
    "handovers": QT_TRANSLATE_NOOP(
        "report", "Hand-overs of command: {n} ({acked} acknowledged, {waiting} unacknowledged, "
        "{overdue} overdue)"),
    "threshold": QT_TRANSLATE_NOOP(
        "report", "A hand-over unacknowledged after {minutes} min is overdue."),
    "from": QT_TRANSLATE_NOOP("report", "From"),
    "to": QT_TRANSLATE_NOOP("report", "To"),
    "ack": QT_TRANSLATE_NOOP("report", "Acknowledged"),
    "waiting": QT_TRANSLATE_NOOP("report", "unacknowledged"),
    "overdue": QT_TRANSLATE_NOOP("report", "OVERDUE"),
    "accountability": QT_TRANSLATE_NOOP("report", "Detentions and use of force (counts only)"),
    "need_to_know": QT_TRANSLATE_NOOP(
        "report", "Names and personal data are not part of this report: they are seen by the "
        "owning agency and oversight only."),
    "detentions": QT_TRANSLATE_NOOP("report", "Detentions"),
    "held": QT_TRANSLATE_NOOP("report", "still held (not yet handed to a prosecutor or judge)"),
    "handed": QT_TRANSLATE_NOOP("report", "handed over"),
    "warn": QT_TRANSLATE_NOOP("report", "custody past the warning threshold ({limit})"),
    "alert": QT_TRANSLATE_NOOP("report", "custody past the alert threshold ({limit})"),
    "force": QT_TRANSLATE_NOOP("report", "Use-of-force reports"),
    "none": QT_TRANSLATE_NOOP("report", "None."),
}


def _ensure_app() -> None:
    """An application for fonts and painting; a command-line run has none (offscreen).
    A QApplication, not a QGuiApplication: in a process that later shows widgets (the
    tests) a QGuiApplication made here would be the one there can be, and widgets abort."""
    global _app
    if QGuiApplication.instance() is None:
        from PySide6.QtWidgets import QApplication

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QApplication([])


def agency_colour(agency: str) -> QColor:
    """A stable colour per agency (the same agency is the same colour in every report)."""
    hue = int(hashlib.sha1(agency.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hsv_to_rgb(hue, 0.75, 0.85)
    return QColor(int(r * 255), int(g * 255), int(b * 255))


class _Projection:
    """lon/lat -> image pixels, equirectangular scaled by cos(latitude): at an operation's
    size this is as good as a map projection and needs none."""

    def __init__(self, extent: tuple[float, float, float, float], w: int, h: int) -> None:
        import math

        x0, y0, x1, y1 = extent
        self.k = math.cos(math.radians((y0 + y1) / 2))
        span_x, span_y = (x1 - x0) * self.k, y1 - y0
        self.scale = min(w / span_x, h / span_y)
        self.ox = (w - span_x * self.scale) / 2 - x0 * self.k * self.scale
        self.oy = (h - span_y * self.scale) / 2 + y1 * self.scale

    def __call__(self, lon: float, lat: float) -> QPointF:
        return QPointF(self.ox + lon * self.k * self.scale, self.oy - lat * self.scale)


def map_image(rep: Sitrep, w: int = MAP_W, h: int = MAP_H) -> QImage:
    """The report's map (see the module docstring)."""
    _ensure_app()
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("#f4f2ec"))
    if rep.extent is None:
        return img
    at = _Projection(rep.extent, w, h)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(20)
    p.setFont(font)
    for n, z in enumerate(rep.zones):
        path = QPainterPath()
        for ring in z.rings:
            path.addPolygon(QPolygonF([at(x, y) for x, y in ring]))
            path.closeSubpath()
        colour = agency_colour(z.agency)
        fill = QColor(colour)
        fill.setAlpha(40)
        p.setBrush(QBrush(fill))
        p.setPen(QPen(colour, 1.5))
        p.drawPath(path)
        corner = path.boundingRect().topLeft() + QPointF(6, 22 + 24 * n)  # clipped zones
        # share the map's corner: one line each
        p.setPen(colour.darker(150))
        p.drawText(corner, f"{z.name} ({z.agency})")
    if rep.area:
        path = QPainterPath()
        for ring in rep.area:
            path.addPolygon(QPolygonF([at(x, y) for x, y in ring]))
            path.closeSubpath()
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor("#b00020"), 4, Qt.PenStyle.DashLine))
        p.drawPath(path)
    p.setPen(QPen(QColor("#202020"), 1))
    for i in rep.incidents:
        if i.lat is None or i.lon is None:
            continue
        c = at(i.lon, i.lat)
        p.setBrush(QColor("#9e9e9e") if i.closed else QColor("#ff8f00"))
        p.drawPolygon(QPolygonF([c + QPointF(0, -11), c + QPointF(10, 8), c + QPointF(-10, 8)]))
    labelled = len(rep.units) <= MAX_LABELS
    for u in rep.units:
        if u.lat is None or u.lon is None:
            continue
        c = at(u.lon, u.lat)
        if u.outside:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor("#d50000"), 4))
            p.drawEllipse(c, 15, 15)
        p.setPen(QPen(QColor("#202020"), 1.5))
        p.setBrush(agency_colour(u.agency))
        p.drawEllipse(c, 9, 9)
        if labelled:
            p.setPen(QColor("#101010"))
            p.drawText(c + QPointF(11, -8), u.callsign)
    p.end()
    return img


# -- the document -----------------------------------------------------------------------


class _Text:
    def __init__(self, lang: str | None) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: object) -> str:
        text = translate("report", L[key], self.lang)
        return escape(text.format(**params) if params else text)

    def field(self, entity: str, name: str) -> str:
        """A field's label as the entity defines it, so the report reads as the forms do."""
        return escape(translate("fields", field_label(entity, name), self.lang))

    def vocab(self, group: str, value: str | None) -> str:
        return escape(translate("vocab", label(group, value), self.lang)) if value else ""


def _when(dt: datetime | None) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt is not None else ""


def _table(head: list[str], rows: list[list[str]]) -> str:
    """One table; its header row (thead) is repeated on every page it runs over."""
    out = ['<table border="1" cellspacing="0" cellpadding="3" width="98%"><thead><tr>']
    out += [f'<th bgcolor="#e0e0e0" align="left">{h}</th>' for h in head]
    out.append("</tr></thead>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    out.append("</table>")
    return "".join(out)


def html(rep: Sitrep, lang: str | None) -> str:
    """The report's body (record text escaped; the map is the `MAP_URL` resource)."""
    t, h, e = _Text(lang), rep.header, escape
    names = h.agency_names
    offset = rep.at.astimezone().strftime("UTC%z")
    parts = [f"<h1>{t('title')}: {e(h.code)}</h1>",
             f"<p><b>{t('at')}:</b> {_when(rep.at)} &nbsp; <b>{t('made')}:</b> "
             f"{_when(rep.made_at)} &nbsp; {t('times', offset=offset)}</p>"]
    period = f"{_when(h.starts_at)} – {_when(h.ends_at) if h.ends_at else t('open_end')}"
    field = partial(t.field, "operation")
    head = [
        (field("name"), e(h.name)),
        (field("lead_agency"), e(f"{names.get(h.lead_agency, h.lead_agency)} ({h.lead_agency})")),
        (field("agencies"), e(", ".join(f"{names.get(a, a)} ({a})" for a in h.agencies))),
        (field("authority"), t.vocab("authority", h.authority)),
        (field("legal_basis"), t.vocab("legal_basis", h.legal_basis)),
        (field("legal_reference"), e(h.legal_reference)),
        (field("status"), t.vocab("operation_status", h.status)), (t("period"), period),
        (field("instructions"), e(h.instructions).replace("\n", "<br>")),
    ]
    parts.append('<table cellspacing="0" cellpadding="2">' + "".join(
        f'<tr><td><b>{k}</b></td><td>{v}</td></tr>' for k, v in head) + "</table>")
    parts.append(f"<h2>{t('map')}</h2><p><img src=\"{MAP_URL.toString()}\" width=\"640\">"
                 f"</p><p><small>{t('legend')}</small></p>")
    parts.append(f"<h2>{t('units', n=len(rep.units))}</h2>")
    rows = []
    for u in rep.units:
        where = (f"{u.lat:.5f}, {u.lon:.5f}<br>{e(u.mgrs)}" if u.lat is not None
                 else f"<i>{t('no_position')}</i>")
        flag = f'<br><font color="#d50000"><b>{t("outside")}</b></font>' if u.outside else ""
        rows.append([e(u.callsign) + flag, e(u.agency), t.vocab("unit_status", u.status),
                     t.vocab("assignment_role", u.role) if u.role else f"<i>{t('belongs')}</i>",
                     e(u.commanding_agency), where, _when(u.observed_at)])
    parts.append(_table([t("callsign"), t.field("unit", "agency"), t("status"),
                         t.field("assignment", "role"), t("commanding"),
                         t("position"), t("observed")], rows) if rows else f"<p>{t('none')}</p>")
    parts.append(f"<h2>{t('incidents', opened=len(rep.opened), closed=len(rep.closed))}</h2>")
    rows = [[_when(i.opened_at), e(i.title), t.vocab("incident_kind", i.kind), str(i.severity),
             e(i.agency), t.vocab("incident_status", i.status), _when(i.closed_at),
             e("; ".join(i.zones))] for i in rep.incidents]
    parts.append(_table([t("opened_at"), t("title_col"), t.field("incident", "kind"), t("severity"),
                         t.field("incident", "agency"), t("status"), t("closed_at"), t("zones")],
                        rows) if rows else f"<p>{t('none')}</p>")
    acked = sum(x.acknowledged_at is not None for x in rep.handovers)
    overdue = sum(x.overdue for x in rep.handovers)
    title = t("handovers", n=len(rep.handovers), acked=acked,
              waiting=len(rep.handovers) - acked, overdue=overdue)
    parts.append(f"<h2>{title}</h2><p><small>"
                 f"{t('threshold', minutes=rep.handover_threshold_min)}</small></p>")
    rows = []
    for x in rep.handovers:
        state = (_when(x.acknowledged_at) if x.acknowledged_at else
                 f'<font color="#d50000"><b>{t("overdue")}</b></font>' if x.overdue
                 else t("waiting"))
        rows.append([_when(x.at), f"{t.vocab('handover_subject', x.subject)}: {e(x.what)}",
                     e(" / ".join(v for v in (x.from_agency, x.from_person) if v)),
                     e(" / ".join(v for v in (x.to_agency, x.to_person) if v)), e(x.reason),
                     state])
    handover = partial(t.field, "handover")
    parts.append(_table([handover("at"), handover("subject"), t("from"), t("to"),
                         handover("reason"), t("ack")], rows)
                 if rows else f"<p>{t('none')}</p>")
    parts.append(_accountability(rep, t))
    return "<html><body>" + "".join(parts) + "</body></html>"


def _accountability(rep: Sitrep, t: _Text) -> str:
    a = rep.accountability
    lines = [f"<h2>{t('accountability')}</h2><p><small>{t('need_to_know')}</small></p><ul>",
             f"<li><b>{t('detentions')}: {a.detentions}</b> — {a.held} {t('held')}; "
             f"{a.handed_over} {t('handed')}</li>",
             f"<li>{a.custody_warn} {t('warn', limit=elapsed_text(rep.custody.warn))}</li>",
             f"<li>{a.custody_alert} {t('alert', limit=elapsed_text(rep.custody.alert))}</li>",
             f"<li><b>{t('force')}: {a.force_reports}</b><ul>"]
    lines += [f"<li>{t.vocab('force_level', level)}: {n}</li>"
              for level, n in a.force_by_level.items()]
    # "label: count", which reads right in both languages whatever the number
    force = partial(t.field, "use_of_force")
    lines.append(f"</ul>{force('injured')}: {a.injured}; {force('deaths')}: {a.deaths}</li></ul>")
    return "".join(lines)


def pdf_bytes(rep: Sitrep, lang: str | None) -> bytes:
    """The report as a PDF file's bytes (A4)."""
    _ensure_app()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setTitle(translate("report", L["title"], lang) + " " + rep.header.code)
    writer.setCreator("Enlace")
    writer.setResolution(150)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    font = QFont()
    font.setPointSizeF(8.5)
    doc.setDefaultFont(font)
    doc.addResource(QTextDocument.ResourceType.ImageResource, MAP_URL, map_image(rep))
    doc.setHtml(html(rep, lang))
    # Laid out on the printable page in CSS pixels (96 per inch), so the fonts keep their
    # point sizes and the margins are the page layout's, not QTextDocument's 2 cm.
    page = writer.pageLayout().paintRect(QPageLayout.Unit.Inch)
    doc.setPageSize(QSizeF(page.width() * 96, page.height() * 96))
    doc.setDocumentMargin(0)
    doc.print_(writer)
    buf.close()
    return bytes(data.data())
