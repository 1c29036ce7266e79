"""The menu bar: File (sign in, sign out, quit; map import goes here too) and View
(every panel, night mode, large targets, times, layout reset). The menus hold
actions only; MainWindow connects them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from fieldclient.ui.i18n import Retranslatable

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget

PANEL_SHORTCUTS = ("Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+5")


class MainMenuBar(Retranslatable, QMenuBar):
    def __init__(self, docks: list[QDockWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainMenu")
        self.file_menu = QMenu(self)
        self.file_menu.setObjectName("fileMenu")
        self.act_sign_in = QAction(self)
        self.act_sign_in.setObjectName("menuSignIn")
        self.act_sign_out = QAction(self)
        self.act_sign_out.setObjectName("menuSignOut")
        self.act_quit = QAction(self)
        self.act_quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.file_menu.addAction(self.act_sign_in)
        self.file_menu.addAction(self.act_sign_out)
        # Map packages ("Import map…") are added here, before this separator.
        self.maps_anchor = self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)

        self.view_menu = QMenu(self)
        self.view_menu.setObjectName("viewMenu")
        self.panel_actions: list[QAction] = []
        for dock, keys in zip(docks, PANEL_SHORTCUTS, strict=False):
            act = dock.toggleViewAction()  # checked while the panel is open
            act.setShortcut(QKeySequence(keys))
            self.view_menu.addAction(act)
            self.panel_actions.append(act)
        self.act_map_only = QAction(self)  # all panels collapsed, and back
        self.act_map_only.setObjectName("menuMapOnly")
        self.act_map_only.setCheckable(True)
        self.act_map_only.setShortcut(QKeySequence("F11"))
        self.view_menu.addAction(self.act_map_only)
        self.view_menu.addSeparator()
        self.act_night = QAction(self)
        self.act_night.setCheckable(True)
        self.act_night.setObjectName("menuNight")
        self.act_large = QAction(self)
        self.act_large.setCheckable(True)
        self.act_large.setObjectName("menuLarge")
        self.view_menu.addAction(self.act_night)
        self.view_menu.addAction(self.act_large)
        self.view_menu.addSeparator()
        self.times_menu = QMenu(self.view_menu)
        self.time_group = QActionGroup(self)
        self.act_time_local = QAction(self)
        self.act_time_dtg = QAction(self)
        for act, style in ((self.act_time_local, "local"), (self.act_time_dtg, "dtg")):
            act.setCheckable(True)
            act.setData(style)
            self.time_group.addAction(act)
            self.times_menu.addAction(act)
        self.view_menu.addMenu(self.times_menu)
        self.view_menu.addSeparator()
        self.act_reset_layout = QAction(self)
        self.act_reset_layout.setObjectName("menuResetLayout")
        self.view_menu.addAction(self.act_reset_layout)
        self.addMenu(self.file_menu)
        self.addMenu(self.view_menu)
        self.retranslateUi()

    def set_time_style(self, style: str) -> None:
        (self.act_time_dtg if style == "dtg" else self.act_time_local).setChecked(True)

    def set_signed_in(self, signed_in: bool) -> None:
        self.act_sign_in.setEnabled(not signed_in)
        self.act_sign_out.setEnabled(signed_in)

    def retranslateUi(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.act_sign_in.setText(self.tr("Sign in…"))
        self.act_sign_out.setText(self.tr("Sign out"))
        self.act_quit.setText(self.tr("Quit"))
        self.view_menu.setTitle(self.tr("&View"))
        self.act_night.setText(self.tr("Night mode"))
        self.act_large.setText(self.tr("Large targets (gloves, touch)"))
        self.times_menu.setTitle(self.tr("Times"))
        self.act_time_local.setText(self.tr("Local time with time zone"))
        self.act_time_dtg.setText(self.tr("Date-time group (DTG)"))
        self.act_reset_layout.setText(self.tr("Reset layout"))
        self.act_map_only.setText(self.tr("Map only (hide the panels)"))
