"""The main window's view settings: language, coordinate format, time style, stale
threshold, night mode and large targets. Each is remembered in the data folder's
settings and applied to every panel (and the map) at once. A mixin of MainWindow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from fieldclient.ui import theme, times
from fieldclient.ui.settings import (
    COORD_FORMAT_KEY,
    LANGUAGE_KEY,
    STALE_MINUTES_KEY,
    TIME_STYLE_KEY,
)
from fieldclient.ui.theme import Theme

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from fieldclient.map.widget import MapView
    from fieldclient.ui.conflicts_panel import ConflictsPanel
    from fieldclient.ui.i18n import Translations
    from fieldclient.ui.incident_panel import IncidentPanel
    from fieldclient.ui.menus import MainMenuBar
    from fieldclient.ui.roster_model import RosterModel
    from fieldclient.ui.roster_view import RosterPanel
    from fieldclient.ui.status_bar import StatusBar
    from fieldclient.ui.sync_panel import SyncPanel
    from fieldclient.ui.toolbar import MainToolBar
    from fieldclient.ui.track_panel import TrackPanel


class ViewSettings:
    # what MainWindow provides
    settings: QSettings
    translations: Translations
    toolbar: MainToolBar
    menus: MainMenuBar
    status: StatusBar
    model: RosterModel
    roster: RosterPanel
    incidents: IncidentPanel
    track: TrackPanel
    sync_panel: SyncPanel
    conflicts_panel: ConflictsPanel
    map: MapView | None
    coord_format: str
    theme: Theme

    def set_language(self, lang: str) -> None:
        if lang == self.translations.lang:
            return
        self.translations.install(lang)
        self.settings.setValue(LANGUAGE_KEY, lang)
        self.toolbar.set_language(self.translations.lang)
        # DMS hemisphere letters follow the language too
        self.model.set_coord_format(self.coord_format)

    def set_stale_minutes(self, minutes: int) -> None:
        self.settings.setValue(STALE_MINUTES_KEY, int(minutes))
        self.model.set_stale_minutes(int(minutes))
        if self.map is not None:
            self.map.set_stale_minutes(int(minutes))

    def set_coord_format(self, fmt: str) -> None:
        self.coord_format = fmt
        self.settings.setValue(COORD_FORMAT_KEY, fmt)
        self.model.set_coord_format(fmt)
        self.roster.set_coord_format(fmt)
        self.track.set_coord_format(fmt)
        self.incidents.set_coord_format(fmt)
        if self.map is not None:
            self.map.set_coord_format(fmt)
        self.toolbar.set_coord_format(fmt)

    def set_time_style(self, style: str) -> None:
        """Local time with its zone, or date-time groups, in every panel."""
        times.set_style(style)
        self.settings.setValue(TIME_STYLE_KEY, times.style())
        self.toolbar.set_time_style(times.style())
        self.menus.set_time_style(times.style())
        for w in (self.incidents, self.track, self.conflicts_panel, self.status.badge):
            w.retranslateUi()
        self.sync_panel.refresh()

    def set_night_mode(self, on: bool) -> None:
        self._set_theme(theme.Theme(night=bool(on), large=self.theme.large))

    def set_large_targets(self, on: bool) -> None:
        self._set_theme(theme.Theme(night=self.theme.night, large=bool(on)))

    def _set_theme(self, chosen: Theme) -> None:
        if chosen == self.theme:
            return
        self.theme = chosen
        self.settings.setValue(theme.NIGHT_KEY, chosen.night)
        self.settings.setValue(theme.LARGE_KEY, chosen.large)
        self._apply_app_theme()
        self._apply_widget_theme()

    def _apply_app_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, self.theme)

    def _apply_widget_theme(self) -> None:
        t = self.theme
        self.toolbar.set_theme(t)
        for act, on in ((self.menus.act_night, t.night), (self.menus.act_large, t.large)):
            act.blockSignals(True)
            act.setChecked(on)
            act.blockSignals(False)
        self.status.badge.set_night(t.night)
        self.model.set_night(t.night)
        for view in (self.roster.table, self.incidents.list, self.sync_panel.table,
                     self.conflicts_panel.table, self.track.table):
            theme.size_rows(view, t)
        self.roster.fit_columns()
        self.incidents.set_theme(t)
        self.sync_panel.set_theme(t)
        self.conflicts_panel.fit_columns()
        if self.map is not None:
            self.map.set_night_mode(t.night)
