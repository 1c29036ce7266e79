#!/usr/bin/env bash
# Installs the Debian packages Enlace needs that a fresh machine lacks:
# the Secret Service keyring (gnome-keyring + D-Bus) for credentials, the
# shared libraries QtWebEngine loads, PostgreSQL server binaries for the
# multi-server tests, Node/npm to fetch the pinned web assets, for the release
# bundle (packaging/): minisign (installers' signature check), binutils (strip; nm and ld
# for Qt's ICU data), icu-devtools (icupkg and genccode, ICU's own tools that cut Qt's ICU
# data down to the client's languages: packaging/icudata.py), desktop-file-utils (checks
# the .deb's menu entry), GEOS for the shapely that rio-mbtiles (a test tool for map
# packages) pins, and HAProxy, the load balancer the
# load benchmark (tests/benchmarks/bench_load.py) puts in front of two servers, and
# poppler-utils (pdftotext, pdftoppm), which the SITREP tests read the PDF with.
# Only missing packages are installed; nothing happens when all are present.
set -euo pipefail
PKGS=(
  dbus dbus-bin dbus-daemon gnome-keyring libsecret-1-0
  libnss3 libxkbcommon0 libxkbcommon-x11-0 libxcomposite1 libxdamage1 libxrandr2
  libgbm1 libasound2 libxtst6 libxshmfence1 libegl1 libgl1 libfontconfig1
  libxcb-cursor0 fonts-dejavu-core
  postgresql-15 npm libgeos-c1v5
  minisign binutils icu-devtools desktop-file-utils
  haproxy
  poppler-utils
)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# nodejs may come from outside Debian; only ask for npm when no npm exists at all.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | sed '/^$/d'))
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup-system: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
