"""The window's part of site profiles: a first-run choice to provision from a signed profile,
and the status bar naming the active profile and who signed it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from fieldclient.replication import account
from tests.packaging.releases import KeySet, make_profile


def test_first_run_offers_provisioning_and_no_profile_is_shown(window) -> None:  # type: ignore[no-untyped-def]
    """Proves the welcome panel has the provisioning choice and the status bar shows no
    profile before one is active."""
    assert window.centre.currentWidget() is window.welcome
    assert window.provision_button.text() == "Provision from a site profile…"
    assert window.provision_button.isVisibleTo(window)
    assert not window.site_profile.label.isVisibleTo(window)


def test_provisioning_trusts_a_confirmed_key_shows_the_signer_and_opens_sign_in(
        window, qtbot, tmp_path: Path, keys: KeySet) -> None:  # type: ignore[no-untyped-def]
    """Proves a profile whose key file lies beside it is applied only after the user confirms
    the key ID; then the status bar names the profile and signer, and the sign-in dialog is
    filled with the site's server, CA and device name."""
    prof = make_profile(tmp_path / "usb" / "site.json", keys.secret["a"])
    (tmp_path / "usb" / "deploy.pub").write_text(keys.pub_file("a").read_text())
    flow = window.site_profile
    assert flow.provision(prof) is False
    box = flow.last_box
    assert box.objectName() == "trustDeploymentKey" and keys.secret["a"].id in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: flow.label.isVisibleTo(window), timeout=5_000)
    assert flow.label.text() == (f"Site: CP Guadalajara · signed by deployment key "
                                 f"{keys.secret['a'].id}")
    dlg = window.last_dialog
    assert dlg.server.text() == "https://cp-gdl.example:8443"
    assert dlg.ca_file.text() == str(window.store.data_dir / "trust" / "server-ca.pem")
    assert dlg.device.text().startswith("GDL-")
    assert window.centre.currentWidget() is not window.welcome
    dlg.reject()


def test_altered_profile_is_refused_in_the_window(window, tmp_path: Path, keys: KeySet,
                                                  translations) -> None:  # type: ignore[no-untyped-def]
    """Proves an edited profile is refused with the reason (in Spanish when the window is),
    and nothing is configured."""
    prof = make_profile(tmp_path / "usb" / "site.json", keys.secret["a"])
    (tmp_path / "usb" / "deploy.pub").write_text(keys.pub_file("a").read_text())
    prof.write_text(prof.read_text().replace("CP Guadalajara", "CP Falso"))
    translations.install("es")
    flow = window.site_profile
    assert flow.provision(prof) is False
    flow.last_box.button(QMessageBox.StandardButton.Yes).click()
    assert flow.last_box.objectName() == "siteProfileMessage"
    assert "se modificó después" in flow.last_box.text()
    assert window.store.get_meta(account.META_SERVER) is None
    assert not flow.label.isVisibleTo(window)
