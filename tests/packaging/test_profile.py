"""Signed site profiles: `provision` configures a data folder only from a profile signed by a
trusted deployment key, and says why it refuses anything else (issue 11 point 3)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fieldclient.cli import main
from fieldclient.replication import account
from fieldclient.store.db import open_store
from fieldclient.trust import profile
from tests.packaging.releases import ROOT, KeySet, make_profile


def _provision(data: Path, prof: Path, *extra: str) -> int:
    return main(["--data-dir", str(data), "provision", str(prof), *extra])


@pytest.fixture
def pinned(tmp_path: Path, keys: KeySet) -> Path:
    """A data folder provisioned once with deployment key `a` pinned (--trust-key)."""
    data = tmp_path / "data"
    prof = make_profile(tmp_path / "p1" / "site.json", keys.secret["a"])
    assert _provision(data, prof, "--trust-key", str(keys.pub_file("a"))) == 0
    return data


def test_signed_profile_configures_the_data_folder(pinned: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Proves provisioning stores the server URL, the CA (private file), the policies and who
    signed it where the client keeps its settings, and `site-profile` shows them."""
    store = open_store(pinned)
    try:
        assert store.get_meta(account.META_SERVER) == "https://cp-gdl.example:8443"
        ca = Path(store.get_meta(account.META_CA) or "")
        assert ca == pinned / "trust" / "server-ca.pem" and "BEGIN CERTIFICATE" in ca.read_text()
        assert stat.S_IMODE(ca.stat().st_mode) == 0o600
        assert account.wipe_policy(store) is True
        active = profile.active(store)
        assert active is not None and active.name == "CP Guadalajara"
        assert active.offline_expiry_hours == 72 and active.idle_lock_minutes == 10
        assert active.default_agency == "sedena" and active.key_id
        assert profile.default_device_name(store).startswith("GDL-")
    finally:
        store.close()
    assert (pinned / "site-profile.json.minisig").exists()
    capsys.readouterr()
    assert main(["--data-dir", str(pinned), "site-profile", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"] == "CP Guadalajara" and shown["signer"].startswith("deployment key")


def test_unsigned_profile_is_refused(tmp_path: Path, pinned: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Proves a profile without its .minisig changes nothing and says it is not signed."""
    prof = make_profile(tmp_path / "u" / "site.json", None, server_url="https://evil.example")
    assert _provision(pinned, prof) == profile.UNSIGNED
    assert "not signed" in capsys.readouterr().err
    store = open_store(pinned)
    assert store.get_meta(account.META_SERVER) == "https://cp-gdl.example:8443"
    store.close()


def test_altered_profile_is_refused(tmp_path: Path, keys: KeySet, pinned: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Proves a signed profile edited afterwards (server URL swapped) is refused as altered."""
    prof = make_profile(tmp_path / "alt" / "site.json", keys.secret["a"])
    prof.write_text(prof.read_text().replace("cp-gdl.example", "evil.example"))
    assert _provision(pinned, prof) == profile.ALTERED
    assert "altered after" in capsys.readouterr().err
    store = open_store(pinned)
    assert store.get_meta(account.META_SERVER) == "https://cp-gdl.example:8443"
    store.close()


def test_untrusted_key_is_refused_until_pinned(tmp_path: Path, keys: KeySet, capsys) -> None:  # type: ignore[no-untyped-def]
    """Proves a profile signed by a key nobody trusts is refused with its key ID, and a
    later profile by another key is refused even once a first key is pinned."""
    data = tmp_path / "fresh"
    prof = make_profile(tmp_path / "x" / "site.json", keys.secret["x"])
    assert _provision(data, prof) == profile.UNTRUSTED
    assert keys.secret["x"].id in capsys.readouterr().err
    assert _provision(data, prof, "--trust-key", str(keys.pub_file("x"))) == 0
    other = make_profile(tmp_path / "y" / "site.json", keys.secret["y"], serial=2)
    assert _provision(data, other) == profile.UNTRUSTED


def test_bad_content_older_serial_and_other_server_are_refused(tmp_path: Path, keys: KeySet,
                                                               pinned: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Proves a signed profile with a secret-looking unknown field, a plain-http server or an
    older serial is refused with the reason, as is re-provisioning a signed-in laptop for
    another server."""
    sign_a = keys.secret["a"]
    cases = [
        (make_profile(tmp_path / "1" / "s.json", sign_a, password="hunter2"), profile.UNREADABLE,
         "unknown fields: password"),
        (make_profile(tmp_path / "2" / "s.json", sign_a, server_url="http://cp.example"),
         profile.UNREADABLE, "https://"),
        (make_profile(tmp_path / "3" / "s.json", sign_a, serial=1), 0, "provisioned"),
    ]
    for prof, code, says in cases:
        assert _provision(pinned, prof) == code
        out = capsys.readouterr()
        assert says in out.err + out.out
    assert _provision(pinned, make_profile(tmp_path / "4" / "s.json", sign_a, serial=5)) == 0
    assert _provision(pinned, make_profile(tmp_path / "5" / "s.json", sign_a, serial=4)) \
        == profile.OLDER
    store = open_store(pinned)
    store.set_meta(account.META_USERNAME, "ana")
    store.set_meta(account.META_DEVICE, "dev-1")
    store.close()
    other = make_profile(tmp_path / "6" / "s.json", sign_a, serial=6,
                         server_url="https://other.example")
    assert _provision(pinned, other) == profile.CONFLICT
    assert "sign out" in capsys.readouterr().err


def test_deployment_key_from_the_root_metadata_is_trusted(tmp_path: Path, keys: KeySet) -> None:
    """Proves a deployment key listed in the (build's) root metadata needs no pinning."""
    from tests.packaging.releases import make_root

    trust = make_root(tmp_path / "trust", keys, ["a", "b", "c"], 2, ["a", "b"],
                      deployment=["y"])
    prof = make_profile(tmp_path / "p" / "site.json", keys.secret["y"])
    assert _provision(tmp_path / "d", prof, "--root", str(trust)) == 0


def test_provision_in_a_real_process_speaks_spanish(tmp_path: Path, keys: KeySet) -> None:
    """Proves the refusal reaches the installer in Spanish when the laptop is set to es."""
    prof = make_profile(tmp_path / "p" / "site.json", None)
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "d"),
                          "--lang", "es", "provision", str(prof)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert res.returncode == profile.UNSIGNED
    assert "no está firmado" in res.stderr
