#!/usr/bin/env bash
# Install what hinterland needs on Debian 12 (only what is missing).
# Usage: scripts/setup-debian.sh [--clients]   (--clients adds QGIS and Chromium for the client tests)
set -euo pipefail
pkgs=(build-essential cmake pkg-config libgdal-dev gdal-bin python3-gdal libproj-dev proj-bin libgeos-dev
      libsqlite3-dev sqlite3 libspatialite-dev libcmocka-dev libfyaml-dev libxlsxwriter-dev valgrind clang
      libclang-rt-14-dev python3-networkx)
clients=(python3-qgis qgis-providers chromium postgresql postgresql-15-postgis-3)
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO=sudo
updated=0
install() { # install the missing ones of "$@"
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "setup: installing ${missing[*]}" >&2
  if [[ $updated -eq 0 ]]; then $SUDO apt-get update -qq; updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
install "${pkgs[@]}"
if [[ "${1:-}" == "--clients" ]]; then
  # the QGIS and Chromium client tests say SKIPPED when these cannot be installed
  install "${clients[@]}" || echo "setup: could not install ${clients[*]}: the client tests will be skipped" >&2
fi
