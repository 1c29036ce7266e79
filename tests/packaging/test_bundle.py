"""The built bundle (issue 11 points 1, 2 and 4). `packaging/dist.py` builds it once per set of
inputs (cached by their hash: a second run takes seconds); then it must run its self-test
with no Python and no .venv in a clean environment, verify with sha256sum, minisign and
itself, refuse every failure case, and its .deb must install, work from /opt/enlace (a signed
site profile provisions it and signs it in) and uninstall leaving nothing behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldclient.trust import release as rel
from tests.packaging.bundled import Dist, build_dist, clean_env, namespaces_work, run_clean
from tests.packaging.releases import CASES, KeySet, build_case, flip_byte, make_profile

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory, keys: KeySet, trust: Path) -> Dist:
    return build_dist(tmp_path_factory.mktemp("dist"), keys, trust)


def test_bundle_self_test_passes_without_python(dist: Dist, tmp_path: Path) -> None:
    """Proves `enlace --self-test` opens an encrypted store, writes and reads records and
    renders the map from the bundle alone: fresh HOME, `env -i`, and every Python interpreter
    hidden."""
    assert namespaces_work(), "unshare -m is needed to hide Python from the bundle"
    # no keyring in `env -i`: the store's key is wrapped by a passphrase, as on a relay,
    # which also proves SQLCipher and Argon2 are in the bundle
    env = clean_env(tmp_path / "home", ENLACE_STORE_PASSPHRASE="bundle-self-test-phrase")
    res = run_clean([str(dist.bundle / "enlace"), "--self-test"], env)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    assert "self-test ok" in res.stdout
    data = tmp_path / "home" / ".local" / "share" / "enlace"
    assert (data / "enlace.key").exists()
    assert not (data / "enlace.db").read_bytes().startswith(b"SQLite format 3")


def test_bundle_imports_zone_files_of_every_format(dist: Dist, tmp_path: Path) -> None:
    """Proves zone import works from the bundle alone (the spec trims lxml, numpy and Qt, and
    pyproj's data must come along): GeoJSON, KML (fastkml, lxml) and a shapefile in UTM 13N
    reprojected to WGS84 from its .prj (pyshp, pyproj with its proj.db, shapely)."""
    from pyproj import CRS, Transformer

    from tests.test_zone_import import GDL, ZAPOPAN, _geojson, _shp

    env = clean_env(tmp_path / "home", ENLACE_STORE_PASSPHRASE="bundle-self-test-phrase",
                    LANG="C.UTF-8")
    data = tmp_path / "data"
    enlace = [str(dist.bundle / "enlace"), "--data-dir", str(data), "--lang", "en"]
    res = run_clean([*enlace, "demo"], env)
    assert res.returncode == 0, res.stderr[-2000:]

    def zone_names() -> list[str]:
        res = run_clean([*enlace, "zone", "list"], env)
        assert res.returncode == 0, res.stderr[-2000:]
        return sorted(line.split("\t")[1] for line in res.stdout.splitlines())

    demo = zone_names()
    geojson = _geojson(tmp_path / "mun.geojson",
                       ("Zapopan", {"type": "Polygon", "coordinates": [ZAPOPAN]}))
    kml = tmp_path / "zonas.kml"
    ring = " ".join(f"{x},{y},0" for x, y in GDL)
    kml.write_text('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/'
                   'kml/2.2"><Document><Placemark><name>Guadalajara</name><Polygon>'
                   f"<outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates>"
                   "</LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>",
                   encoding="utf-8")
    to_utm = Transformer.from_crs(4326, 32613, always_xy=True)
    utm = [[list(to_utm.transform(x, y)) for x, y in r] for r in (ZAPOPAN, GDL)]
    shp = _shp(tmp_path / "utm", utm, CRS.from_epsg(32613).to_wkt("WKT1_ESRI"))
    for path, says in ((geojson, "(GeoJSON)"), (kml, "(KML)"),
                       (shp, "Reprojected from WGS 84 / UTM zone 13N")):
        res = run_clean([*enlace, "zone", "import", str(path), "--agency", "mun-gdl",
                         "--level", "municipal"], env)
        assert res.returncode == 0, res.stderr[-2000:]
        assert says in res.stdout, res.stdout
    assert zone_names() == sorted(demo + ["Guadalajara", "Guadalajara", "Zapopan", "Zapopan"])


def test_release_verifies_with_standard_tools_and_itself(dist: Dist, keys: KeySet) -> None:
    """Proves `sha256sum -c` and Debian's `minisign -V` accept the release folder and the
    bundle, and `enlace verify-release` accepts both with the bundle's own trusted root."""
    for folder in (dist.release, dist.bundle):
        res = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder,
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stdout[-2000:]
        sigs = sorted(folder.glob("SHA256SUMS.*.minisig"))
        assert len(sigs) == 2
        for sig in sigs:
            key_id = sig.name.split(".")[1]
            pub = next(keys.pub_file(n) for n in "ab" if keys.secret[n].id == key_id)
            res = subprocess.run(["minisign", "-V", "-p", str(pub), "-m", "SHA256SUMS", "-x",
                                  sig.name], cwd=folder, capture_output=True, text=True)
            assert res.returncode == 0, res.stderr
            assert "Trusted comment: enlace 0.1.0 channel=stable" in res.stdout
        res = run_clean([str(dist.bundle / "enlace"), "verify-release", str(folder)],
                        clean_env(folder.parent / "home-verify"))
        assert res.returncode == 0, res.stderr
        assert "release ok: enlace 0.1.0 (stable" in res.stdout and "signed by a, b" in res.stdout


def test_bundle_contents(dist: Dist) -> None:
    """Proves the bundle carries the licences, the web assets, basemap, gazetteer, translations, its
    signed metadata and trusted root, and the .tar.gz and .deb hold that same bundle."""
    internal = dist.bundle / "_internal"
    for rel_path in ("resources/web/vendor/leaflet/leaflet.js", "resources/web/map.js",
                     "resources/basemap/countries-mx-region.geojson",
                     "resources/web/map-grid.js", "resources/web/vendor/geodesy/mgrs.js",
                     "resources/gazetteer/mx-places.tsv", "resources/gazetteer/README.md",
                     "resources/translations/ui_es_MX.qm", "resources/translations/core_es_MX.ts",
                     "fieldclient/store/migrations/env.py"):
        assert (internal / rel_path).is_file(), rel_path
    index = (dist.bundle / "licenses" / "README.txt").read_text()
    for name in ("PySide6", "SQLAlchemy", "cryptography", "CPython", "web/leaflet",
                 "gazetteer: GeoNames (CC BY 4.0)", "basemap/mx-states: amCharts geodata"):
        assert name in index
    assert (dist.bundle / "licenses" / "basemap" / "mx-states.LICENSE").is_file()
    meta = json.loads((dist.bundle / "release.json").read_text())
    assert meta["product"] == "enlace" and meta["channel"] == "stable" and meta["commit"]
    assert (dist.bundle / "trust" / "root-1.json").is_file()
    tar = next(dist.release.glob("enlace-*-linux-x86_64.tar.gz"))
    listing = subprocess.run(["tar", "-tzf", str(tar)], capture_output=True, text=True).stdout
    assert "enlace-0.1.0/enlace\n" in listing and "enlace-0.1.0/SHA256SUMS\n" in listing
    deb = next(dist.release.glob("enlace_*_amd64.deb"))
    files = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    for path in ("./opt/enlace/enlace", "./opt/enlace/SHA256SUMS", "./usr/bin/enlace -> ",
                 "./usr/share/applications/enlace.desktop",
                 "./usr/share/icons/hicolor/scalable/apps/enlace.svg"):
        assert path in files, path


@pytest.mark.parametrize("case", CASES)
def test_bundle_refuses_each_failure_case(case: str, dist: Dist, tmp_path: Path, keys: KeySet,
                                          trust: Path) -> None:
    """Proves the bundle's own `enlace verify-release` refuses this case with its exit code."""
    c = build_case(case, tmp_path, keys, trust)
    res = run_clean([str(dist.bundle / "enlace"), "verify-release", str(c.folder), *c.args],
                    clean_env(tmp_path / "home"))
    assert res.returncode == c.code, (res.returncode, res.stderr)
    assert c.says in res.stderr


def test_one_flipped_byte_in_the_real_bundle_is_found(dist: Dist, tmp_path: Path) -> None:
    """Proves a one-byte change deep in the real bundle (the Python runtime library) is
    refused and named."""
    clone = tmp_path / "clone"
    subprocess.run(["cp", "-al", str(dist.bundle), str(clone)], check=True)
    target = next((clone / "_internal").glob("libpython3*.so*"))
    flip_byte(target, 4096)
    res = run_clean([str(dist.bundle / "enlace"), "verify-release", str(clone)],
                    clean_env(tmp_path / "home"))
    assert res.returncode == rel.CHANGED, res.stderr
    assert f"_internal/{target.name} differs" in res.stderr


# -- the .deb --------------------------------------------------------------------------


def _purge() -> None:
    subprocess.run(["apt-get", "purge", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "enlace"],
                   capture_output=True, text=True, timeout=600,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def _installed() -> bool:
    res = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "enlace"], capture_output=True,
                         text=True)
    return "install ok installed" in res.stdout


@pytest.fixture
def installed(dist: Dist) -> Iterator[Path]:
    """The .deb installed (a copy left by an earlier run is removed first); removed after."""
    if _installed() or Path("/opt/enlace").exists():
        _purge()
    leftover = Path("/opt/enlace")
    if leftover.is_dir() and not any(p.is_file() for p in leftover.rglob("*")):
        shutil.rmtree(leftover)  # empty folders an older build let Chromium create as root
    deb = next(dist.release.glob("enlace_*_amd64.deb"))
    res = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "-o",
                          "DPkg::Lock::Timeout=300", str(deb)], capture_output=True, text=True,
                         timeout=900, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    try:
        assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
        yield Path("/opt/enlace")
    finally:
        _purge()


def test_deb_installs_provisions_signs_in_and_uninstalls_cleanly(
        installed: Path, tmp_path: Path, keys: KeySet, secret_service: dict[str, str]) -> None:
    """Proves the installer's path on a laptop with no Python: the .deb puts the signed bundle
    in /opt/enlace with `enlace` on the PATH and a valid menu entry; the installed bundle
    verifies itself, passes its self-test, provisions from a signed site profile and signs in
    to a real sync server over TLS with the profile's private CA (token in the keyring);
    removal leaves nothing behind."""
    from tests.replication.support import Server, password
    from tests.replication.test_tls import _ca, _server_cert

    assert os.readlink("/usr/bin/enlace") == "/opt/enlace/enlace"
    desktop = Path("/usr/share/applications/enlace.desktop")
    assert subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True,
                          text=True).stdout == ""
    assert Path("/usr/share/icons/hicolor/scalable/apps/enlace.svg").is_file()
    home = tmp_path / "laptop"
    env = clean_env(home, DBUS_SESSION_BUS_ADDRESS=secret_service["DBUS_SESSION_BUS_ADDRESS"],
                    XDG_RUNTIME_DIR=secret_service["XDG_RUNTIME_DIR"])
    res = run_clean(["enlace", "verify-release", "/opt/enlace"], env)
    assert res.returncode == 0 and "release ok" in res.stdout, res.stderr
    res = run_clean(["enlace", "--self-test"], env)
    assert res.returncode == 0 and "self-test ok" in res.stdout, res.stderr[-3000:]

    ca_key, ca_cert, ca_path = _ca(tmp_path, "Site CA")
    srv = Server(tmp_path / "server", tls=_server_cert(tmp_path, ca_key, ca_cert))
    srv.add_accounts()
    srv.start()
    try:
        usb = tmp_path / "usb"
        prof = make_profile(usb / "site.json", keys.secret["c"], server_url=srv.url,
                            ca_cert=ca_path.read_text(), device_name_pattern="CP-{hostname}")
        res = run_clean(["enlace", "provision", str(prof), "--trust-key",
                         str(keys.pub_file("c")), "--username", "ana"], env,
                        stdin=password("ana") + "\n")
        assert res.returncode == 0, res.stdout + res.stderr
        assert "provisioned: site profile “CP Guadalajara”" in res.stdout
        assert f"signed in to {srv.url} as ana" in res.stdout
        res = run_clean(["enlace", "status", "--json"], env)
        assert res.returncode == 0, res.stderr
        status = json.loads(res.stdout)
        assert status.get("server") == srv.url and status.get("username") == "ana", status
    finally:
        srv.stop()
    _purge()
    assert not _installed()
    for gone in ("/opt/enlace", "/usr/bin/enlace", str(desktop),
                 "/usr/share/icons/hicolor/scalable/apps/enlace.svg", "/usr/share/doc/enlace"):
        assert not os.path.lexists(gone), gone
    assert shutil.which("enlace") is None
