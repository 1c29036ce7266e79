"""Site profile in the window: a first-run "Provision from a site profile…" button on the
welcome panel, and a status-bar label saying which profile is active and who signed it.

`install(window)` adds both to an existing MainWindow; the checks themselves are
fieldclient.trust.profile's (the same as `enlace provision`). A profile signed by a key the
laptop does not trust yet is accepted only after the user confirms its key ID, and only
when the deployment public key file lies beside the profile (trust on first use, as
`provision --trust-key` on the command line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton, QWidget

from fieldclient.core.errors import UserFacingError
from fieldclient.trust import profile
from fieldclient.trust.minisign import MinisignError, PublicKey, Signature
from fieldclient.trust.root import Key
from fieldclient.ui.errors import error_text


class ProvisionButton(QPushButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("provisionButton")
        self.setMinimumHeight(40)
        self.retranslateUi()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.setText(QCoreApplication.translate("SiteProfile", "Provision from a site profile…"))


class SiteProfileLabel(QLabel):
    """'Site: NAME · signed by SIGNER' in the status bar; hidden when none is active."""

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("siteProfileLabel")
        self.store = store
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)

    def refresh(self) -> None:
        if getattr(self.store, "closed", False):
            return  # a window outliving its store (idle lock): it shows nothing more
        current = profile.active(self.store)
        self.setVisible(current is not None)
        if current is None:
            self.setText("")
            return
        text = QCoreApplication.translate("SiteProfile", "Site: {name} · signed by {signer}")
        self.setText(text.format(name=current.name, signer=current.signer))
        self.setToolTip(QCoreApplication.translate("SiteProfile",
            "Site profile “{name}” (serial {serial}), signed by {signer}, key {key}.\n"
            "Server: {server}").format(name=current.name, serial=current.serial,
                                      signer=current.signer, key=current.key_id,
                                      server=current.server))


class ProvisionFlow:
    """Verify a chosen profile, ask to trust a new key if needed, apply, then offer sign-in."""

    def __init__(self, window: Any, label: SiteProfileLabel) -> None:
        self.window = window
        self.label = label
        self.last_box: QMessageBox | None = None

    def choose(self) -> None:
        title = QCoreApplication.translate("SiteProfile", "Site profile")
        kinds = QCoreApplication.translate("SiteProfile", "Site profiles (*.json);;All files (*)")
        path, _ = QFileDialog.getOpenFileName(self.window, title, "", kinds)
        if path:
            self.provision(Path(path))

    def provision(self, path: Path) -> bool:
        store = self.window.store
        keys = profile.trusted_keys(store.data_dir, None)
        try:
            prof, signer, raw, sig = profile.verify(path, keys)
        except profile.ProfileRefused as exc:
            if exc.code == profile.UNTRUSTED:
                candidate = _key_beside(path)
                if candidate is not None:
                    self._ask_trust(path, candidate)
                    return False
            self._refused(exc)
            return False
        return self._apply(prof, signer, raw, sig, None)

    def _apply(self, prof: profile.SiteProfile, signer: Key, raw: bytes, sig: str,
               pin: PublicKey | None) -> bool:
        try:
            profile.apply(self.window.store, prof, signer, raw, sig, pin)
        except profile.ProfileRefused as exc:
            self._refused(exc)
            return False
        except UserFacingError as exc:
            self._refused(exc)
            return False
        self.label.refresh()
        done = QCoreApplication.translate(
            "SiteProfile", "Provisioned for {name}; sign in to start syncing.")
        self.window.statusBar().showMessage(done.format(name=prof.name), 10000)
        if hasattr(self.window, "_finish_welcome"):
            self.window._finish_welcome()
        self.window.sign_in()
        return True

    def _ask_trust(self, path: Path, key: PublicKey) -> None:
        box = QMessageBox(self.window)
        box.setObjectName("trustDeploymentKey")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(QCoreApplication.translate("SiteProfile", "Trust this deployment key?"))
        box.setText(QCoreApplication.translate("SiteProfile",
            "The site profile is signed by key {key}, which this laptop does not trust yet. "
            "Trust it only if this is the key ID your IT department gave you.").format(key=key.id))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(result: int) -> None:
            if result != QMessageBox.StandardButton.Yes:
                return
            trusted = {key.id: Key(key.id, f"deployment key {key.id}", key)}
            try:
                prof, signer, raw, sig = profile.verify(path, trusted)
            except profile.ProfileRefused as exc:
                self._refused(exc)
                return
            self._apply(prof, signer, raw, sig, key)

        box.finished.connect(answered)
        self.last_box = box
        box.open()

    def _refused(self, exc: profile.ProfileRefused | UserFacingError) -> None:
        if isinstance(exc, profile.ProfileRefused):
            text = QCoreApplication.translate("profile", exc.template).format(**exc.params)
        else:
            text = error_text(exc)
        title = QCoreApplication.translate("SiteProfile", "Site profile refused")
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self.window)
        box.setObjectName("siteProfileMessage")
        self.last_box = box
        box.open()


def _key_beside(path: Path) -> PublicKey | None:
    """The deployment key file next to the profile whose ID signed it, if there is one."""
    try:
        wanted = Signature.parse(profile.signature_path(path).read_text(encoding="utf-8")).key
    except (OSError, UnicodeDecodeError, MinisignError):
        return None
    for candidate in sorted(path.parent.glob("*.pub")):
        try:
            key = PublicKey.parse(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, MinisignError):
            continue
        if key.id == wanted:
            return key
    return None


def install(window: Any) -> ProvisionFlow:
    """Add the provisioning button to the welcome panel and the profile label to the status
    bar of `window` (a MainWindow)."""
    label = SiteProfileLabel(window.store, window)
    window.statusBar().addPermanentWidget(label)
    flow = ProvisionFlow(window, label)
    button = ProvisionButton(window.welcome)
    card = window.welcome.signin_button.parentWidget()
    layout = card.layout() if card is not None else None
    if layout is not None:
        layout.insertWidget(layout.indexOf(window.welcome.signin_button), button)
    button.clicked.connect(flow.choose)
    window.site_profile = flow
    window.provision_button = button
    return flow
